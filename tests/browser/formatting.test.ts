import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { accessibilityProblems } from "../support/axe.js";
import { messageInput, messagesWith, openAs, openRoom, roomPath, send, demoRoom } from "../support/browser.js";

const PYTHON = "def area(radius):\n    if radius < 0:\n        raise ValueError(radius)\n    return 3.14159 * radius ** 2";

describe("writing in the room: lines, code and Markdown", () => {
  const demo = demoRoom();
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([openAs(demo.browser, demo.server.url, "alice", roomPath(1)), openAs(demo.browser, demo.server.url, "bob", roomPath(1))]);
    await Promise.all([openRoom(alice, 1), openRoom(bob, 1)]);
  });

  it("adds a line with Shift+Enter and sends with Enter", async () => {
    const input = messageInput(alice);
    await alice.getByText("Enter sends, Shift+Enter adds a line.").waitFor();
    await input.pressSequentially("First line");
    await input.press("Shift+Enter");
    await input.pressSequentially("second line");
    expect(await input.inputValue()).toBe("First line\nsecond line");
    expect(await messagesWith(alice, "First line").count()).toBe(0); // Shift+Enter did not send
    await input.press("Enter");
    const shown = messagesWith(bob, "First line").locator(".content");
    await shown.waitFor();
    expect(await shown.innerText()).toBe("First line\nsecond line");
    expect(await input.inputValue()).toBe("");
  });

  it("keeps pasted code's line breaks and indentation, as a code block", async () => {
    await alice.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: demo.server.url });
    await alice.evaluate(`navigator.clipboard.writeText(${JSON.stringify(PYTHON)})`);
    const input = messageInput(alice);
    await input.fill("My solution:\n");
    await input.press("End");
    await input.press("ControlOrMeta+V");
    expect(await input.inputValue()).toBe(`My solution:\n\`\`\`\n${PYTHON}\n\`\`\`\n`);
    await input.press("Enter");
    const code = messagesWith(bob, "My solution:").locator("pre code");
    await code.waitFor();
    expect(await code.textContent()).toBe(`${PYTHON}\n`);
  });

  it("renders basic Markdown, with links that open safely in a new tab", async () => {
    await send(alice, "**Bold** and _italic_, `x = 1`, see https://docs.python.org/3/ or [the tutorial](https://example.org/tutorial)");
    const content = messagesWith(bob, "Bold and italic").locator(".content");
    await content.waitFor();
    expect(await content.locator("strong").textContent()).toBe("Bold");
    expect(await content.locator("em").textContent()).toBe("italic");
    expect(await content.locator("code").textContent()).toBe("x = 1");
    const links = content.getByRole("link");
    expect(await links.evaluateAll((as) => as.map((a) => [a.getAttribute("href"), a.getAttribute("target"), a.getAttribute("rel")]))).toEqual([
      ["https://docs.python.org/3/", "_blank", "noopener noreferrer nofollow"],
      ["https://example.org/tutorial", "_blank", "noopener noreferrer nofollow"],
    ]);
  });

  it("never runs what a message contains: script links and raw HTML stay inert text", async () => {
    const dialogs: string[] = [];
    for (const page of [alice, bob]) page.on("dialog", (dialog) => void dialog.dismiss().then(() => dialogs.push(dialog.message())));
    await send(alice, "[click me](javascript:alert(1)) and <b onmouseover=alert(2)>hover</b> ![pixel](https://tracker.example/p.png)");
    const content = messagesWith(bob, "click me").locator(".content");
    await content.waitFor();
    expect(await content.locator("a[href^='javascript'], b, img, [onmouseover]").count()).toBe(0);
    expect(await content.textContent()).toContain("<b onmouseover=alert(2)>hover</b>");
    expect(await content.getByRole("link", { name: "click me" }).count()).toBe(0);
    await content.getByText("click me").click();
    // An image is only a link to it: nothing is loaded from elsewhere.
    expect(await content.getByRole("link", { name: "pixel" }).getAttribute("href")).toBe("https://tracker.example/p.png");
    expect(dialogs).toEqual([]);
    expect(await accessibilityProblems(bob)).toEqual([]);
  });
});
