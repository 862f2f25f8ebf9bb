import { Migration } from '@mikro-orm/migrations';

export class Migration20261127230734_moderation extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "courses" add column "announcement_only" boolean not null default false, add column "slow_mode_seconds" int not null default 0;`);

    this.addSql(`alter table "messages" add column "deleted_at" timestamptz null, add column "deleted_by_id" int null;`);
    this.addSql(`alter table "messages" add constraint "messages_deleted_by_id_foreign" foreign key ("deleted_by_id") references "users" ("id") on update cascade on delete restrict;`);

    // Case-insensitive substring search for the message admin (content ILIKE '%words%').
    // Not in the entity metadata: SQLite has no such index (see tests/data.test.ts).
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create index "messages_content_trgm_index" on "messages" using gin ("content" gin_trgm_ops);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "messages_content_trgm_index";`);
    this.addSql(`alter table "messages" drop constraint "messages_deleted_by_id_foreign";`);

    this.addSql(`alter table "courses" drop column "announcement_only", drop column "slow_mode_seconds";`);

    this.addSql(`alter table "messages" drop column "deleted_at", drop column "deleted_by_id";`);
  }

}
