import { Migration } from '@mikro-orm/migrations';

export class Migration20261127230734_moderation extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`courses\` add column \`announcement_only\` integer not null default false;`);
    this.addSql(`alter table \`courses\` add column \`slow_mode_seconds\` integer not null default 0;`);

    // Written by hand: the generator attached the foreign key to deleted_at.
    this.addSql(`alter table \`messages\` add column \`deleted_at\` datetime null;`);
    this.addSql(`alter table \`messages\` add column \`deleted_by_id\` integer null constraint \`messages_deleted_by_id_foreign\` references \`users\` (\`id\`) on update cascade on delete restrict;`);
    this.addSql(`create index \`messages_deleted_by_id_index\` on \`messages\` (\`deleted_by_id\`);`);
  }

}
