import { createContext, useContext, type ReactNode } from "react";
import type { ChatMessageFragment } from "../gql/graphql";
import type { Viewer } from "./rules";

export interface QuestionRoomValue {
  courseId: string;
  viewer: Viewer;
  /** A question shown in the room, by id: an answer's question (who asked, for "accept"). */
  messageById(id: string): ChatMessageFragment | undefined;
}

const QuestionRoomContext = createContext<QuestionRoomValue | null>(null);

/** What question badges and actions in a room need to know, without threading props through the list. */
export function QuestionRoomProvider({ value, children }: { value: QuestionRoomValue; children: ReactNode }) {
  return <QuestionRoomContext.Provider value={value}>{children}</QuestionRoomContext.Provider>;
}

export function useQuestionRoom(): QuestionRoomValue | null {
  return useContext(QuestionRoomContext);
}
