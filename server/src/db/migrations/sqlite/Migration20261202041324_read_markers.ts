import { Migration } from '@mikro-orm/migrations';

export class Migration20261202041324_read_markers extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`read_markers\` (\`user_id\` integer not null, \`course_id\` integer not null, \`last_read_message_id\` integer not null default 0, \`updated_at\` datetime not null, constraint \`read_markers_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, constraint \`read_markers_course_id_foreign\` foreign key(\`course_id\`) references \`courses\`(\`id\`) on delete cascade on update cascade, primary key (\`user_id\`, \`course_id\`));`);
    this.addSql(`create index \`read_markers_user_id_index\` on \`read_markers\` (\`user_id\`);`);
    this.addSql(`create index \`read_markers_course_id_index\` on \`read_markers\` (\`course_id\`);`);
    // Counting what is unread reads the index alone: a room's messages after a marker, with what the count filters on.
    this.addSql(`create index \`messages_unread_index\` on \`messages\` (\`course_id\`, \`id\`, \`user_id\`, \`private_to\`) where \`deleted_at\` is null;`);
    this.addSql(`create index \`message_mentions_user_id_message_id_index\` on \`message_mentions\` (\`user_id\`, \`message_id\`);`);
    // Existing members start with everything so far read, not the whole history unread.
    this.addSql(`insert or ignore into \`read_markers\` (\`user_id\`, \`course_id\`, \`last_read_message_id\`, \`updated_at\`)
      select m.user_id, m.course_id, coalesce((select max(x.id) from \`messages\` x where x.course_id = m.course_id), 0), cast(strftime('%s', 'now') as integer) * 1000
      from (select s.user_id, s.course_id from \`course_students\` s union select c.owner_id, c.id from \`courses\` c) m;`);
  }

}
