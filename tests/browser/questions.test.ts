import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { graphql } from "../support/graphql.js";
import { DEMO_PASSWORD, messageInput, messagesWith, openAs, openRoom, roomPath, screenshot, send, demoRoom } from "../support/browser.js";

/**
 * Course questions in the web client, as a student, a classmate, the instructor and staff see
 * them: asking (anonymously, privately), the status badges, answering, endorsing, accepting,
 * resolving and reopening, similar questions while typing, and the staff queue, live.
 */
describe("course questions in the browser", () => {
  const demo = demoRoom();
  /** A course of its own: no earlier message shows alice's name in it. */
  let courseId: string;
  let alice: Page;
  let bob: Page;
  let ada: Page;

  async function tokenOf(username: string): Promise<string> {
    const answer = await graphql<{ login: { token: string } }>(demo.server.url, "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }", {
      u: username,
      p: DEMO_PASSWORD,
    });
    return answer.data!.login.token;
  }

  beforeAll(async () => {
    const created = await graphql<{ createCourse: { id: string } }>(
      demo.server.url,
      `mutation { createCourse(title: "Algorithms and Data Structures", overview: "Sorting, graphs, dynamic programming.") { id } }`,
      {},
      await tokenOf("ada"),
    );
    courseId = created.data!.createCourse.id;
    for (const student of ["alice", "bob"]) {
      const enrolled = await graphql(demo.server.url, "mutation($id: ID!) { enroll(courseId: $id) { id } }", { id: courseId }, await tokenOf(student));
      expect(enrolled.errors).toBeUndefined();
    }
    [alice, bob, ada] = await Promise.all([
      openAs(demo.browser, demo.server.url, "alice", roomPath(courseId)),
      openAs(demo.browser, demo.server.url, "bob", roomPath(courseId)),
      openAs(demo.browser, demo.server.url, "ada", roomPath(courseId)),
    ]);
    await Promise.all([alice, bob, ada].map((page) => openRoom(page, courseId)));
  });

  const questionToggle = (page: Page) => page.getByRole("button", { name: "Question", exact: true });

  async function ask(page: Page, content: string, options: { anonymous?: boolean; private?: boolean } = {}): Promise<void> {
    await questionToggle(page).click();
    if (options.anonymous) await page.getByRole("checkbox", { name: "Anonymous to classmates" }).check();
    if (options.private) await page.getByRole("checkbox", { name: "Private to staff" }).check();
    await messageInput(page).fill(content);
    await messageInput(page).press("Enter");
    // Posted: the composer is cleared and back to plain messages.
    await page.locator("[aria-pressed=true]").waitFor({ state: "detached" });
  }

  const status = (page: Page, content: string) => messagesWith(page, content).locator(".q-status");
  const sender = (page: Page, content: string) => messagesWith(page, content).locator(".sender");

  it("shows an anonymous question under a pseudonym to a classmate, with no trace of the author anywhere in the page", async () => {
    const question = "Why does my recursive Fibonacci take forever for n = 40?";
    await ask(alice, question, { anonymous: true });

    // The author: their own question, and that it went out anonymously.
    await expect.poll(() => sender(alice, question).textContent()).toBe("Me");
    expect(await messagesWith(alice, question).getByText("You asked anonymously").count()).toBe(1);
    expect(await status(alice, question).textContent()).toBe("Open");

    // A classmate: a pseudonym, the same after a reload, and alice nowhere — text or attributes.
    const pseudonym = await sender(bob, question).textContent();
    expect(pseudonym).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    expect(await messagesWith(bob, question).getByText("Anonymous", { exact: true }).count()).toBe(1);
    // Every text node and every attribute of the whole document, as the browser holds it.
    const traces = async (page: Page): Promise<string[]> =>
      page.evaluate(`(() => {
        const found = [];
        if (/alice/i.test(document.body.innerText)) found.push("text");
        for (const element of document.querySelectorAll("*"))
          for (const attribute of element.attributes) if (/alice/i.test(attribute.value)) found.push(element.tagName + "[" + attribute.name + "]");
        if (/alice/i.test(document.documentElement.outerHTML)) found.push("markup");
        return found;
      })()`);
    expect(await traces(bob)).toEqual([]);
    await bob.reload();
    await openRoom(bob, courseId);
    expect(await sender(bob, question).textContent()).toBe(pseudonym);
    expect(await traces(bob)).toEqual([]);

    // An anonymous answer in the same thread: alice keeps the same pseudonym for bob.
    await messagesWith(alice, question).getByRole("button", { name: "Answer" }).click();
    await alice.getByLabel("Your answer").fill("Never mind, I memoised it and it is instant now.");
    await alice.getByRole("checkbox", { name: "Anonymous to classmates" }).check();
    await alice.getByRole("button", { name: "Post answer" }).click();
    const reply = "Never mind, I memoised it and it is instant now.";
    await expect.poll(() => sender(bob, reply).textContent()).toBe(pseudonym);
    expect(await messagesWith(alice, reply).getByText("You answered anonymously").count()).toBe(1);
    expect(await traces(bob)).toEqual([]);

    // The instructor and staff see who asked.
    await expect.poll(() => sender(ada, question).textContent()).toBe("alice");
    expect(await traces(ada)).not.toEqual([]); // the look-out above does find a name that is there
    expect(await messagesWith(ada, question).getByText("Anonymous to classmates").count()).toBe(1);
    const sam = await openAs(demo.browser, demo.server.url, "sam", roomPath(courseId));
    await openRoom(sam, courseId);
    expect(await sender(sam, question).textContent()).toBe("alice");
    await screenshot(bob, "questions-anonymous-classmate");
    await sam.context().close();
  });

  it("keeps a private question to the asker, the instructor and staff", async () => {
    const secret = "Can I get an extension? I was in hospital last week.";
    await ask(alice, secret, { private: true });
    await messagesWith(alice, secret).getByText("Private to staff").waitFor();
    await messagesWith(ada, secret).getByText("Private to staff").waitFor();
    expect(await sender(ada, secret).textContent()).toBe("alice");

    // A message sent after it reaches bob, and the private question never did — live or reloaded.
    await send(alice, "Thanks everyone for the help today");
    await messagesWith(bob, "Thanks everyone for the help today").waitFor();
    expect(await bob.getByText(secret).count()).toBe(0);
    await bob.reload();
    await openRoom(bob, courseId);
    await messagesWith(bob, "Thanks everyone for the help today").waitFor();
    expect(await bob.getByText(secret).count()).toBe(0);
    expect(await bob.getByText("hospital").count()).toBe(0);
  });

  it("lets the instructor endorse, the asker accept and resolve, and anyone allowed reopen, shown live to everyone", async () => {
    const question = "Is Dijkstra's algorithm correct with negative edge weights?";
    const answer = "No: a negative edge can make a settled distance wrong. Use Bellman-Ford.";
    await ask(bob, question);
    await messagesWith(alice, question).waitFor();
    expect(await status(alice, question).textContent()).toBe("Open");

    // A classmate may answer, but not resolve someone else's question.
    expect(await messagesWith(alice, question).getByRole("button", { name: /resolved/ }).count()).toBe(0);
    await messagesWith(alice, question).getByRole("button", { name: "Answer" }).click();
    await alice.getByLabel("Your answer").fill(answer);
    await alice.getByRole("button", { name: "Post answer" }).click();
    await messagesWith(ada, answer).waitFor();
    // Only the instructor and staff endorse; only the asker accepts.
    expect(await messagesWith(alice, answer).getByRole("button", { name: "Endorse" }).count()).toBe(0);
    expect(await messagesWith(alice, answer).getByRole("button", { name: "Accept answer" }).count()).toBe(0);
    expect(await messagesWith(ada, answer).getByRole("button", { name: "Accept answer" }).count()).toBe(0);

    await messagesWith(ada, answer).getByRole("button", { name: "Endorse" }).click();
    await messagesWith(bob, answer).getByText("Endorsed").waitFor();
    await messagesWith(alice, answer).getByText("Endorsed").waitFor();

    await messagesWith(bob, answer).getByRole("button", { name: "Accept answer" }).click();
    await messagesWith(alice, answer).getByText("Accepted answer").waitFor();
    await expect.poll(() => status(alice, question).textContent()).toBe("Answered");
    await expect.poll(() => status(ada, question).textContent()).toBe("Answered");

    await messagesWith(bob, question).getByRole("button", { name: "Mark resolved" }).click();
    await expect.poll(() => status(ada, question).textContent()).toBe("Resolved");
    await expect.poll(() => status(alice, question).textContent()).toBe("Resolved");
    await messagesWith(ada, question).getByRole("button", { name: "Reopen" }).click();
    await expect.poll(() => status(bob, question).textContent()).toBe("Open");
    await screenshot(bob, "questions-endorsed-accepted");
  });

  it("says why the server refused an answer, and keeps its text", async () => {
    const question = "Does the midterm cover heaps?";
    await ask(bob, question);
    await messagesWith(alice, question).getByRole("button", { name: "Answer" }).click();
    const tooLong = "heaps ".repeat(700);
    await alice.getByLabel("Your answer").fill(tooLong);
    await alice.getByRole("button", { name: "Post answer" }).click();
    await expect.poll(() => messagesWith(alice, question).getByRole("alert").textContent()).toContain("at most 4000 characters");
    expect(await alice.getByLabel("Your answer").inputValue()).toBe(tooLong);
    await alice.getByRole("button", { name: "Cancel" }).click();
  });

  it("suggests similar earlier questions while a question is typed, not while chatting", async () => {
    await ask(alice, "How do I sort a list of tuples by the second element?");
    await messagesWith(bob, "How do I sort a list of tuples by the second element?").waitFor();
    // Plain messages get no suggestions: nothing is even looked up.
    const lookups: string[] = [];
    bob.on("request", (request) => request.postData()?.includes("SimilarQuestions") && lookups.push(request.postData()!));
    await messageInput(bob).fill("sorting tuples by second element");
    await bob.waitForTimeout(600); // longer than the debounce
    expect(lookups).toEqual([]);
    expect(await bob.getByRole("list", { name: "Similar questions" }).count()).toBe(0);

    await questionToggle(bob).click();
    await messageInput(bob).fill("");
    await messageInput(bob).pressSequentially("sort tuples by the second element", { delay: 20 });
    const suggestions = bob.getByRole("list", { name: "Similar questions" });
    await suggestions.getByText("How do I sort a list of tuples by the second element?").waitFor();
    expect(await suggestions.getByText("Open").count()).toBe(1);
    // Debounced: typing 33 characters one by one looked up a few times, not once per key.
    expect(lookups.length).toBeGreaterThan(0);
    expect(lookups.length).toBeLessThan(10);
    // The anonymous question about Fibonacci is unrelated: not suggested.
    expect(await suggestions.getByText(/Fibonacci/).count()).toBe(0);
    await screenshot(bob, "questions-suggestions");
    // Found the answer instead: back to chatting, and the suggestions go.
    await questionToggle(bob).click();
    await expect.poll(() => suggestions.count()).toBe(0);
    await messageInput(bob).fill("");
  });

  it("gives the instructor a live queue of open questions, linked from the room; students have neither", async () => {
    expect(await bob.getByRole("link", { name: "Questions", exact: true }).count()).toBe(0);
    const denied = await openAs(demo.browser, demo.server.url, "bob", `/courses/${courseId}/questions`);
    await denied.getByText("Only the course's instructor and staff see its question queue.").waitFor();
    await denied.context().close();

    await ada.getByRole("link", { name: "Questions", exact: true }).click();
    await ada.getByRole("heading", { name: "Open questions: Algorithms and Data Structures" }).waitFor();
    const queue = ada.getByRole("list", { name: "Open questions" });
    const entry = (text: string) => queue.getByRole("listitem").filter({ hasText: text });
    // The anonymous one shows its author to the instructor; the private one is there too.
    await entry("recursive Fibonacci").getByText("alice").waitFor();
    expect(await entry("recursive Fibonacci").getByText("Anonymous to classmates").count()).toBe(1);
    expect(await entry("extension").getByText("Private to staff").count()).toBe(1);
    const before = await queue.getByRole("listitem").count();

    // A new question joins at the end, live; once staff answer it, it leaves, live.
    const fresh = "What is the amortised cost of a dynamic array append?";
    await ask(bob, fresh);
    await entry(fresh).waitFor();
    expect(await queue.getByRole("listitem").last().textContent()).toContain(fresh);
    expect(await entry(fresh).locator(".queue-wait").textContent()).toBe("under a minute");
    await screenshot(ada, "questions-queue");
    const sam = await openAs(demo.browser, demo.server.url, "sam", roomPath(courseId));
    await openRoom(sam, courseId);
    await messagesWith(sam, fresh).getByRole("button", { name: "Answer" }).click();
    await sam.getByLabel("Your answer").fill("O(1) amortised: each doubling pays for the copies before it.");
    await sam.getByRole("button", { name: "Post answer" }).click();
    await expect.poll(() => entry(fresh).count()).toBe(0);
    await sam.context().close();
    // Resolved from the queue: gone from it, and the room shows it resolved.
    await entry("sort a list of tuples").getByRole("button", { name: "Mark resolved" }).click();
    await expect.poll(() => entry("sort a list of tuples").count()).toBe(0);
    expect(await queue.getByRole("listitem").count()).toBe(before - 1);
    await expect.poll(() => status(bob, "How do I sort a list of tuples by the second element?").textContent()).toBe("Resolved");
  });
});
