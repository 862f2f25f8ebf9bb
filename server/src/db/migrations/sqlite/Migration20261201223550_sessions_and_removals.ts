import { Migration } from '@mikro-orm/migrations';

export class Migration20261201223550_sessions_and_removals extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`auth_changes\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer not null, \`session_id\` text null, \`created_at\` datetime not null);`);

    this.addSql(`create table \`sessions\` (\`id\` text not null, \`user_id\` integer not null, \`created_at\` datetime not null, \`ends_at\` datetime not null, \`generation\` integer not null default 1, \`previous_valid_until\` datetime null, \`revoked_at\` datetime null, constraint \`sessions_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`sessions_user_id_index\` on \`sessions\` (\`user_id\`);`);

    this.addSql(`create table \`course_removals\` (\`id\` integer not null primary key autoincrement, \`course_id\` integer not null, \`user_id\` integer not null, \`removed_by_id\` integer not null, \`removed_at\` datetime not null, constraint \`course_removals_course_id_foreign\` foreign key(\`course_id\`) references \`courses\`(\`id\`) on delete cascade on update cascade, constraint \`course_removals_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, constraint \`course_removals_removed_by_id_foreign\` foreign key(\`removed_by_id\`) references \`users\`(\`id\`) on delete restrict on update cascade);`);
    this.addSql(`create index \`course_removals_user_id_index\` on \`course_removals\` (\`user_id\`);`);
    this.addSql(`create index \`course_removals_removed_by_id_index\` on \`course_removals\` (\`removed_by_id\`);`);
    this.addSql(`create unique index \`course_removals_course_id_user_id_unique\` on \`course_removals\` (\`course_id\`, \`user_id\`);`);

    this.addSql(`alter table \`users\` add column \`tokens_valid_after\` datetime null;`);
  }

}
