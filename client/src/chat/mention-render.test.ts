import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MessageText } from "./MessageText";

const bob = { id: "2", username: "bob", role: "Student" };
const render = (content: string, userId: string) => renderToStaticMarkup(createElement(MessageText, { content, mentions: [bob], userId }));

describe("mentions rendered", () => {
  it("wraps a resolved mention in a span, the reader's own marked as such, code and unresolved names left alone", () => {
    expect(render("Thanks @bob.", "2")).toBe('<p>Thanks <span class="mention mention-me">@bob</span>.</p>');
    expect(render("Thanks @bob and @eve", "1")).toBe('<p>Thanks <span class="mention">@bob</span> and @eve</p>');
    expect(render("`@bob` <b>@bob</b>", "1")).toBe('<p><code>@bob</code> &lt;b&gt;<span class="mention">@bob</span>&lt;/b&gt;</p>');
  });
});
