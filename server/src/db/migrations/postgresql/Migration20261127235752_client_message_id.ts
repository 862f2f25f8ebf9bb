import { Migration } from '@mikro-orm/migrations';

export class Migration20261127235752_client_message_id extends Migration {

  override async up(): Promise<void> {

    this.addSql(`alter table "messages" add column "client_message_id" varchar(64) null;`);
    this.addSql(`alter table "messages" add constraint "messages_client_message_id_unique" unique ("course_id", "user_id", "client_message_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "messages" drop constraint "messages_client_message_id_unique";`);
    this.addSql(`alter table "messages" drop column "client_message_id";`);

  }

}
