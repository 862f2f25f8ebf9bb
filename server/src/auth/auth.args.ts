import { ArgsType, Field } from "type-graphql";

@ArgsType()
export class CredentialsArgs {
  @Field(() => String, { description: "3 to 32 letters, digits, '.', '_' or '-'; unique whatever the case." })
  username!: string;

  @Field(() => String, { description: "At least 8 characters." })
  password!: string;
}
