import { Migration } from '@mikro-orm/migrations';

export class Migration20261201235005_room_timeline extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`room_events\` (\`id\` integer not null primary key autoincrement, \`course_id\` integer not null, \`kind\` text not null, \`message_id\` integer null, \`user_id\` integer null, \`data\` text null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`room_events_message_id_index\` on \`room_events\` (\`message_id\`);`);
    this.addSql(`create index \`room_events_course_id_id_index\` on \`room_events\` (\`course_id\`, \`id\`);`);

    this.addSql(`create table \`reactions\` (\`message_id\` integer not null, \`user_id\` integer not null, \`emoji\` text not null, \`created_at\` datetime not null, constraint \`reactions_message_id_foreign\` foreign key(\`message_id\`) references \`messages\`(\`id\`) on delete cascade on update cascade, constraint \`reactions_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`message_id\`, \`user_id\`, \`emoji\`));`);
    this.addSql(`create index \`reactions_message_id_index\` on \`reactions\` (\`message_id\`);`);
    this.addSql(`create index \`reactions_user_id_index\` on \`reactions\` (\`user_id\`);`);
    this.addSql(`create index \`reactions_message_id_created_at_index\` on \`reactions\` (\`message_id\`, \`created_at\`);`);

    this.addSql(`create table \`message_versions\` (\`id\` integer not null primary key autoincrement, \`message_id\` integer not null, \`content\` text not null, \`replaced_at\` datetime not null, constraint \`message_versions_message_id_foreign\` foreign key(\`message_id\`) references \`messages\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`message_versions_message_id_index\` on \`message_versions\` (\`message_id\`);`);

    this.addSql(`create table \`message_mentions\` (\`message_id\` integer not null, \`user_id\` integer not null, constraint \`message_mentions_message_id_foreign\` foreign key(\`message_id\`) references \`messages\`(\`id\`) on delete cascade on update cascade, constraint \`message_mentions_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`message_id\`, \`user_id\`));`);
    this.addSql(`create index \`message_mentions_message_id_index\` on \`message_mentions\` (\`message_id\`);`);
    this.addSql(`create index \`message_mentions_user_id_index\` on \`message_mentions\` (\`user_id\`);`);

    this.addSql(`alter table \`messages\` add column \`edited_at\` datetime null;`);
    this.addSql(`alter table \`messages\` add column \`reply_to_id\` integer null constraint \`messages_reply_to_id_foreign\` references \`messages\` (\`id\`) on update cascade on delete restrict;`);
    this.addSql(`alter table \`messages\` add column \`thread_root_id\` integer null constraint \`messages_thread_root_id_foreign\` references \`messages\` (\`id\`) on update cascade on delete restrict;`);
    this.addSql(`alter table \`messages\` add column \`reply_count\` integer not null default 0;`);
    this.addSql(`alter table \`messages\` add column \`last_reply_at\` datetime null;`);
    this.addSql(`create index \`messages_thread_root_id_id_index\` on \`messages\` (\`thread_root_id\`, \`id\`);`);

    // Every message stored before the timeline gets the event that added it, with the message's
    // own id (so a message id stays a cursor), in id order; deletions follow, in the order made.
    this.addSql(`insert into \`room_events\` (\`id\`, \`course_id\`, \`kind\`, \`message_id\`, \`user_id\`, \`created_at\`)
      select \`id\`, \`course_id\`, 'added', \`id\`, \`user_id\`, \`sent_on\` from \`messages\` order by \`id\`;`);
    this.addSql(`insert into \`room_events\` (\`course_id\`, \`kind\`, \`message_id\`, \`created_at\`)
      select \`course_id\`, 'deleted', \`id\`, \`deleted_at\` from \`messages\` where \`deleted_at\` is not null order by \`deleted_at\`, \`id\`;`);
  }

}
