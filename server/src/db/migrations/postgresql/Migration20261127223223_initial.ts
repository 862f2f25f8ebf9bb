import { Migration } from '@mikro-orm/migrations';

export class Migration20261127223223_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "users" ("id" serial primary key, "username" varchar(32) not null, "username_key" varchar(32) not null, "password_hash" varchar(255) not null, "role" varchar(16) not null default 'student', "created_at" timestamptz not null);`);
    this.addSql(`alter table "users" add constraint "users_username_key_unique" unique ("username_key");`);
    this.addSql(`create index "users_created_at_index" on "users" ("created_at");`);

    this.addSql(`create table "courses" ("id" serial primary key, "title" varchar(200) not null, "slug" varchar(220) not null, "overview" text not null default '', "owner_id" int not null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "courses" add constraint "courses_slug_unique" unique ("slug");`);

    this.addSql(`create table "messages" ("id" serial primary key, "course_id" int not null, "user_id" int not null, "content" text not null, "sent_on" timestamptz not null);`);
    this.addSql(`create index "messages_course_id_id_index" on "messages" ("course_id", "id");`);

    this.addSql(`create table "course_students" ("course_id" int not null, "user_id" int not null, constraint "course_students_pkey" primary key ("course_id", "user_id"));`);

    this.addSql(`alter table "courses" add constraint "courses_owner_id_foreign" foreign key ("owner_id") references "users" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "messages" add constraint "messages_course_id_foreign" foreign key ("course_id") references "courses" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "messages" add constraint "messages_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "course_students" add constraint "course_students_course_id_foreign" foreign key ("course_id") references "courses" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "course_students" add constraint "course_students_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "courses" drop constraint "courses_owner_id_foreign";`);

    this.addSql(`alter table "messages" drop constraint "messages_user_id_foreign";`);

    this.addSql(`alter table "course_students" drop constraint "course_students_user_id_foreign";`);

    this.addSql(`alter table "messages" drop constraint "messages_course_id_foreign";`);

    this.addSql(`alter table "course_students" drop constraint "course_students_course_id_foreign";`);

    this.addSql(`drop table if exists "users" cascade;`);

    this.addSql(`drop table if exists "courses" cascade;`);

    this.addSql(`drop table if exists "messages" cascade;`);

    this.addSql(`drop table if exists "course_students" cascade;`);
  }

}
