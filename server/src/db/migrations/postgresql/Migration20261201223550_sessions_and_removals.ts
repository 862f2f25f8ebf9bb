import { Migration } from '@mikro-orm/migrations';

export class Migration20261201223550_sessions_and_removals extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "auth_changes" ("id" serial primary key, "user_id" int not null, "session_id" varchar(32) null, "created_at" timestamptz not null);`);

    this.addSql(`create table "sessions" ("id" varchar(32) not null, "user_id" int not null, "created_at" timestamptz not null, "ends_at" timestamptz not null, "generation" int not null default 1, "previous_valid_until" timestamptz null, "revoked_at" timestamptz null, constraint "sessions_pkey" primary key ("id"));`);
    this.addSql(`create index "sessions_user_id_index" on "sessions" ("user_id");`);

    this.addSql(`create table "course_removals" ("id" serial primary key, "course_id" int not null, "user_id" int not null, "removed_by_id" int not null, "removed_at" timestamptz not null);`);
    this.addSql(`alter table "course_removals" add constraint "course_removals_course_id_user_id_unique" unique ("course_id", "user_id");`);

    this.addSql(`alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "course_removals" add constraint "course_removals_course_id_foreign" foreign key ("course_id") references "courses" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "course_removals" add constraint "course_removals_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "course_removals" add constraint "course_removals_removed_by_id_foreign" foreign key ("removed_by_id") references "users" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "users" add column "tokens_valid_after" timestamptz null;`);

  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "auth_changes" cascade;`);

    this.addSql(`drop table if exists "sessions" cascade;`);

    this.addSql(`drop table if exists "course_removals" cascade;`);


    this.addSql(`alter table "users" drop column "tokens_valid_after";`);
  }

}
