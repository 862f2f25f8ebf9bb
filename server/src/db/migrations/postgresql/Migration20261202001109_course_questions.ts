import { Migration } from '@mikro-orm/migrations';

export class Migration20261202001109_course_questions extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "author_reveals" ("id" serial primary key, "message_id" int not null, "revealed_by_id" int not null, "revealed_at" timestamptz not null);`);
    this.addSql(`create index "author_reveals_message_id_index" on "author_reveals" ("message_id");`);

    this.addSql(`alter table "author_reveals" add constraint "author_reveals_message_id_foreign" foreign key ("message_id") references "messages" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "author_reveals" add constraint "author_reveals_revealed_by_id_foreign" foreign key ("revealed_by_id") references "users" ("id") on update cascade on delete restrict;`);


    this.addSql(`alter table "messages" add column "kind" varchar(16) not null default 'message', add column "anonymous" boolean not null default false, add column "private_to" int null, add column "question_status" varchar(16) null, add column "accepted_answer_id" int null, add column "answered_at" timestamptz null, add column "resolved_at" timestamptz null, add column "first_staff_answer_at" timestamptz null, add column "endorsed_at" timestamptz null, add column "endorsed_by_id" int null;`);
    this.addSql(`alter table "messages" add constraint "messages_accepted_answer_id_foreign" foreign key ("accepted_answer_id") references "messages" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "messages" add constraint "messages_endorsed_by_id_foreign" foreign key ("endorsed_by_id") references "users" ("id") on update cascade on delete restrict;`);
    this.addSql(`create index "messages_question_status_course_id_id_index" on "messages" ("question_status", "course_id", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "author_reveals" cascade;`);

    this.addSql(`alter table "messages" drop constraint "messages_accepted_answer_id_foreign";`);
    this.addSql(`alter table "messages" drop constraint "messages_endorsed_by_id_foreign";`);

    this.addSql(`drop index "messages_question_status_course_id_id_index";`);
    this.addSql(`alter table "messages" drop column "kind", drop column "anonymous", drop column "private_to", drop column "question_status", drop column "accepted_answer_id", drop column "answered_at", drop column "resolved_at", drop column "first_staff_answer_at", drop column "endorsed_at", drop column "endorsed_by_id";`);

  }

}
