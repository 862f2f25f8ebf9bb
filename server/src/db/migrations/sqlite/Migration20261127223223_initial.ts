import { Migration } from '@mikro-orm/migrations';

export class Migration20261127223223_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`users\` (\`id\` integer not null primary key autoincrement, \`username\` text not null, \`username_key\` text not null, \`password_hash\` text not null, \`role\` text not null default 'student', \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`users_username_key_unique\` on \`users\` (\`username_key\`);`);
    this.addSql(`create index \`users_created_at_index\` on \`users\` (\`created_at\`);`);

    this.addSql(`create table \`courses\` (\`id\` integer not null primary key autoincrement, \`title\` text not null, \`slug\` text not null, \`overview\` text not null default '', \`owner_id\` integer not null, \`created_at\` datetime not null, constraint \`courses_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on delete restrict on update cascade);`);
    this.addSql(`create unique index \`courses_slug_unique\` on \`courses\` (\`slug\`);`);
    this.addSql(`create index \`courses_owner_id_index\` on \`courses\` (\`owner_id\`);`);

    this.addSql(`create table \`messages\` (\`id\` integer not null primary key autoincrement, \`course_id\` integer not null, \`user_id\` integer not null, \`content\` text not null, \`sent_on\` datetime not null, constraint \`messages_course_id_foreign\` foreign key(\`course_id\`) references \`courses\`(\`id\`) on delete restrict on update cascade, constraint \`messages_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete restrict on update cascade);`);
    this.addSql(`create index \`messages_user_id_index\` on \`messages\` (\`user_id\`);`);
    this.addSql(`create index \`messages_course_id_id_index\` on \`messages\` (\`course_id\`, \`id\`);`);

    this.addSql(`create table \`course_students\` (\`course_id\` integer not null, \`user_id\` integer not null, constraint \`course_students_course_id_foreign\` foreign key(\`course_id\`) references \`courses\`(\`id\`) on delete cascade on update cascade, constraint \`course_students_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`course_id\`, \`user_id\`));`);
    this.addSql(`create index \`course_students_course_id_index\` on \`course_students\` (\`course_id\`);`);
    this.addSql(`create index \`course_students_user_id_index\` on \`course_students\` (\`user_id\`);`);
  }

}
