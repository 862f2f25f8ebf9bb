import { Migration } from '@mikro-orm/migrations';

export class Migration20261202001107_course_questions extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`author_reveals\` (\`id\` integer not null primary key autoincrement, \`message_id\` integer not null, \`revealed_by_id\` integer not null, \`revealed_at\` datetime not null, constraint \`author_reveals_message_id_foreign\` foreign key(\`message_id\`) references \`messages\`(\`id\`) on delete cascade on update cascade, constraint \`author_reveals_revealed_by_id_foreign\` foreign key(\`revealed_by_id\`) references \`users\`(\`id\`) on delete restrict on update cascade);`);
    this.addSql(`create index \`author_reveals_revealed_by_id_index\` on \`author_reveals\` (\`revealed_by_id\`);`);
    this.addSql(`create index \`author_reveals_message_id_index\` on \`author_reveals\` (\`message_id\`);`);

    this.addSql(`alter table \`messages\` add column \`kind\` text not null default 'message';`);
    this.addSql(`alter table \`messages\` add column \`anonymous\` integer not null default false;`);
    this.addSql(`alter table \`messages\` add column \`private_to\` integer null;`);
    this.addSql(`alter table \`messages\` add column \`question_status\` text null;`);
    this.addSql(`alter table \`messages\` add column \`accepted_answer_id\` integer null constraint \`messages_accepted_answer_id_foreign\` references \`messages\` (\`id\`) on update cascade on delete set null;`);
    this.addSql(`alter table \`messages\` add column \`answered_at\` datetime null;`);
    this.addSql(`alter table \`messages\` add column \`resolved_at\` datetime null;`);
    this.addSql(`alter table \`messages\` add column \`first_staff_answer_at\` datetime null;`);
    this.addSql(`alter table \`messages\` add column \`endorsed_at\` datetime null;`);
    this.addSql(`alter table \`messages\` add column \`endorsed_by_id\` integer null constraint \`messages_endorsed_by_id_foreign\` references \`users\` (\`id\`) on update cascade on delete restrict;`);
    this.addSql(`create index \`messages_endorsed_by_id_index\` on \`messages\` (\`endorsed_by_id\`);`);
    this.addSql(`create index \`messages_question_status_course_id_id_index\` on \`messages\` (\`question_status\`, \`course_id\`, \`id\`);`);
  }

}
