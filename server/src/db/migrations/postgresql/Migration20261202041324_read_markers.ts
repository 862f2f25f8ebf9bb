import { Migration } from '@mikro-orm/migrations';

export class Migration20261202041324_read_markers extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "read_markers" ("user_id" int not null, "course_id" int not null, "last_read_message_id" int not null default 0, "updated_at" timestamptz not null, constraint "read_markers_pkey" primary key ("user_id", "course_id"));`);

    this.addSql(`alter table "read_markers" add constraint "read_markers_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "read_markers" add constraint "read_markers_course_id_foreign" foreign key ("course_id") references "courses" ("id") on update cascade on delete cascade;`);

    // Counting what is unread reads the index alone: a room's messages after a marker, with what the count filters on.
    this.addSql(`create index "messages_unread_index" on "messages" ("course_id", "id", "user_id", "private_to") where "deleted_at" is null;`);

    this.addSql(`create index "message_mentions_user_id_message_id_index" on "message_mentions" ("user_id", "message_id");`);

    // Existing members start with everything so far read, not the whole history unread.
    this.addSql(`insert into "read_markers" ("user_id", "course_id", "last_read_message_id", "updated_at")
      select m.user_id, m.course_id, coalesce((select max(x.id) from "messages" x where x.course_id = m.course_id), 0), now()
      from (select s.user_id, s.course_id from "course_students" s union select c.owner_id, c.id from "courses" c) m
      on conflict do nothing;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "read_markers" cascade;`);
    this.addSql(`drop index if exists "messages_unread_index";`);
    this.addSql(`drop index if exists "message_mentions_user_id_message_id_index";`);
  }

}
