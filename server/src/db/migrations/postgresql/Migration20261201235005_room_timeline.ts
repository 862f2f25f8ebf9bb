import { Migration } from '@mikro-orm/migrations';

export class Migration20261201235005_room_timeline extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "room_events" ("id" serial primary key, "course_id" int not null, "kind" varchar(32) not null, "message_id" int null, "user_id" int null, "data" text null, "created_at" timestamptz not null);`);
    this.addSql(`create index "room_events_message_id_index" on "room_events" ("message_id");`);
    this.addSql(`create index "room_events_course_id_id_index" on "room_events" ("course_id", "id");`);

    this.addSql(`create table "reactions" ("message_id" int not null, "user_id" int not null, "emoji" varchar(64) not null, "created_at" timestamptz not null, constraint "reactions_pkey" primary key ("message_id", "user_id", "emoji"));`);
    this.addSql(`create index "reactions_message_id_created_at_index" on "reactions" ("message_id", "created_at");`);

    this.addSql(`create table "message_versions" ("id" serial primary key, "message_id" int not null, "content" text not null, "replaced_at" timestamptz not null);`);
    this.addSql(`create index "message_versions_message_id_index" on "message_versions" ("message_id");`);

    this.addSql(`create table "message_mentions" ("message_id" int not null, "user_id" int not null, constraint "message_mentions_pkey" primary key ("message_id", "user_id"));`);

    this.addSql(`alter table "reactions" add constraint "reactions_message_id_foreign" foreign key ("message_id") references "messages" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "reactions" add constraint "reactions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "message_versions" add constraint "message_versions_message_id_foreign" foreign key ("message_id") references "messages" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "message_mentions" add constraint "message_mentions_message_id_foreign" foreign key ("message_id") references "messages" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "message_mentions" add constraint "message_mentions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);


    this.addSql(`alter table "messages" add column "edited_at" timestamptz null, add column "reply_to_id" int null, add column "thread_root_id" int null, add column "reply_count" int not null default 0, add column "last_reply_at" timestamptz null;`);
    this.addSql(`alter table "messages" add constraint "messages_reply_to_id_foreign" foreign key ("reply_to_id") references "messages" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "messages" add constraint "messages_thread_root_id_foreign" foreign key ("thread_root_id") references "messages" ("id") on update cascade on delete restrict;`);
    this.addSql(`create index "messages_thread_root_id_id_index" on "messages" ("thread_root_id", "id");`);

    // Every message stored before the timeline gets the event that added it, with the message's
    // own id (so a message id stays a cursor), in id order; deletions follow, in the order made.
    this.addSql(`insert into "room_events" ("id", "course_id", "kind", "message_id", "user_id", "created_at")
      select "id", "course_id", 'added', "id", "user_id", "sent_on" from "messages" order by "id";`);
    this.addSql(`select setval('room_events_id_seq', coalesce((select max("id") from "messages"), 0) + 1, false);`);
    this.addSql(`insert into "room_events" ("course_id", "kind", "message_id", "created_at")
      select "course_id", 'deleted', "id", "deleted_at" from "messages" where "deleted_at" is not null order by "deleted_at", "id";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "room_events" cascade;`);

    this.addSql(`drop table if exists "reactions" cascade;`);

    this.addSql(`drop table if exists "message_versions" cascade;`);

    this.addSql(`drop table if exists "message_mentions" cascade;`);

    this.addSql(`alter table "messages" drop constraint "messages_reply_to_id_foreign";`);
    this.addSql(`alter table "messages" drop constraint "messages_thread_root_id_foreign";`);

    this.addSql(`drop index "messages_thread_root_id_id_index";`);
    this.addSql(`alter table "messages" drop column "edited_at", drop column "reply_to_id", drop column "thread_root_id", drop column "reply_count", drop column "last_reply_at";`);

  }

}
