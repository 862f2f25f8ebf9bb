import { Migration } from '@mikro-orm/migrations';

export class Migration20261127235751_client_message_id extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`messages\` add column \`client_message_id\` text null;`);
    this.addSql(`create unique index \`messages_client_message_id_unique\` on \`messages\` (\`course_id\`, \`user_id\`, \`client_message_id\`);`);
  }

}
