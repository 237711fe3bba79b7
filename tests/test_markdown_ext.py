"""The Markdown extension: this source renders to this HTML; scan() and render_markdown() agree everywhere."""

from __future__ import annotations

import random
from pathlib import Path

import markdown
import pytest

from scenario.markdown_ext import SnippetExtension, pygments_css, render_markdown
from scenario.snippets import scan

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"  # shared/ lies beside the checkout
COPY = '<button class="copy-button" type="button">Copy</button>'


def html(source: str) -> str:
    """The page HTML of `source`, port links to /ports/N/."""
    return render_markdown(source, "s.md", port_url=lambda port: f"/ports/{port}/").html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "Run `uname`{{execute T2 interrupt test-uname}} now.",
            '<p>Run <span class="snippet"><code class="execute T2 interrupt test-uname" data-snippet="0">'
            f"uname</code>{COPY}</span> now.</p>",
        ),
        (
            "`whoami`{{exec interrupt}}",
            '<p><span class="snippet"><code class="execute interrupt" data-snippet="0">whoami</code>'
            f"{COPY}</span></p>",
        ),
        (
            "`docker`{{copy}}",
            f'<p><span class="snippet"><code class="copy" data-snippet="0">docker</code>{COPY}</span></p>',
        ),
        (
            "`app.js`{{open}}",
            f'<p><span class="snippet"><code class="open" data-snippet="0">app.js</code>{COPY}</span></p>',
        ),
        (
            "`^C`{{execute ctrl-seq}} `i`{{execute no-newline}} `ls`{{execute HOST2}}",
            '<p><span class="snippet"><code class="execute ctrl-seq" data-snippet="0">^C</code>'
            f'{COPY}</span> <span class="snippet"><code class="execute no-newline" data-snippet="1">i</code>'
            f'{COPY}</span> <span class="snippet"><code class="execute HOST2" data-snippet="2">ls</code>'
            f"{COPY}</span></p>",
        ),
        (
            "`copying disabled`{{}} and `<b>&`{{copy}}",
            '<p><span class="snippet"><code class="nocopy" data-snippet="0">copying disabled</code>'
            '</span> and <span class="snippet"><code class="copy" data-snippet="1">&lt;b&gt;&amp;</code>'
            f"{COPY}</span></p>",
        ),
        ("`helm`{{ .Values.x }} and `a`", "<p><code>helm</code>{{ .Values.x }} and <code>a</code></p>"),
        ("`ls` {{execute}}", "<p><code>ls</code> {{execute}}</p>"),
    ],
)
def test_inline_snippets(source: str, expected: str) -> None:
    assert html(source) == expected


def test_fenced_snippet_is_highlighted_with_classes_and_a_copy_button() -> None:
    assert html("```\nuname -r\npwd\n```{{exec}}\n") == (
        '<div class="snippet snippet-block"><pre class="highlight"><code class="execute" data-snippet="0">'
        'uname<span class="w"> </span>-r\n<span class="nb">pwd</span></code></pre>'
        f"{COPY}</div>"
    )


def test_fence_line_highlights_and_language() -> None:
    out = html("```yaml{2}\na: 1\nb: 2\n```{{copy T1}}\n")
    assert out.startswith(
        '<div class="snippet snippet-block"><pre class="highlight">'
        '<code class="copy T1" data-language="yaml" data-snippet="0"><span class="nt">a</span>'
    )
    assert '<span class="hll"><span class="nt">b</span>' in out
    assert "style=" not in out


def test_plain_fence_has_no_snippet_but_a_copy_button_and_text_disables_highlighting() -> None:
    assert html("```text\nif x: y\n```\n") == (
        '<div class="code-block"><pre class="highlight"><code data-language="text">if x: y</code></pre>'
        f"{COPY}</div>"
    )


def test_helm_template_inside_a_fence_is_code() -> None:
    out = html("```\nimage: {{ .Values.image }}\n```\n")
    assert "{{ .Values.image }}" in out
    assert "data-snippet" not in out


def test_expect_comments_are_dropped_from_the_html() -> None:
    source = (
        "`ls`{{exec}}\n<!-- expect: foo -->\n<!-- expect-exit: 0 -->\nafter\n\n"
        "```\nx\n```{{exec}} <!-- requires: docker -->\n"
    )
    out = html(source)
    assert "expect" not in out and "requires" not in out
    page = render_markdown(source, "s.md")
    assert [(s.expect, s.expect_exit, s.requires) for s in page.snippets] == [
        ("foo", 0, ()),
        (None, None, ("docker",)),
    ]


def test_snippets_are_numbered_in_document_order_through_lists_and_html() -> None:
    source = (
        "- `a`{{execute}}\n  - `b`{{execute}}\n\n`c`{{execute}}\n\n"
        "<details><summary>Solution</summary>\n\n```\nd\n```{{exec}}\n\n</details>\n\n> `e`{{copy}}\n"
    )
    page = render_markdown(source, "s.md")
    assert [s.text for s in page.snippets] == ["a", "b", "c", "d", "e"]
    positions = [page.html.index(f'data-snippet="{n}">{text}') for n, text in enumerate("abcde")]
    assert positions == sorted(positions)
    assert [str(s.location) for s in page.snippets] == [
        "s.md:1:3",
        "s.md:2:5",
        "s.md:4:1",
        "s.md:8:1",
        "s.md:14:3",
    ]


def test_editor_blocks_keep_their_attributes_and_get_a_button() -> None:
    source = (
        '<pre class="file" data-filename="app.js" data-target="insert" data-marker="#TODO">\n'
        "if (a &lt; b) {}\n</pre>\n\n"
        '<pre class="file" data-target="clipboard">Copy Me</pre>\n'
    )
    assert html(source) == (
        '<div class="editor-block"><pre class="file" data-filename="app.js" data-target="insert" '
        'data-marker="#TODO" data-editor="0"><code>if (a &lt; b) {}\n</code></pre>'
        '<button class="editor-button" type="button">Copy to Editor</button></div>\n'
        '<div class="editor-block"><pre class="file" data-filename="" data-target="clipboard" '
        'data-editor="1">'
        f"<code>Copy Me</code></pre>{COPY}</div>"
    )


def test_quiz_renders_as_a_form() -> None:
    assert html(">>Q1: Pick one<<\n(*) Right\n( ) Wrong\n\n>>Q2: Type it<<\n=== test\n") == (
        '<form class="quiz" data-quiz="0" data-kind="single">\n'
        '<p class="quiz-question">Pick one</p>\n'
        '<label class="quiz-choice"><input type="radio" name="quiz-0" value="0" data-correct="true">'
        " Right</label>\n"
        '<label class="quiz-choice"><input type="radio" name="quiz-0" value="1" data-correct="false">'
        " Wrong</label>\n"
        '<button class="quiz-check" type="submit">Check</button></form>\n'
        '<form class="quiz" data-quiz="1" data-kind="exact">\n'
        '<p class="quiz-question">Type it</p>\n'
        '<input class="quiz-answer" type="text" name="quiz-1" data-match="exact" data-answer="test" '
        'autocomplete="off">\n'
        '<button class="quiz-check" type="submit">Check</button></form>'
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "Open https://[[HOST_SUBDOMAIN]]-8500-[[KATACODA_HOST]].environments.katacoda.com/ now.",
            '<p>Open <a class="port-link" data-port="8500" href="/ports/8500/">/ports/8500/</a> now.</p>',
        ),
        (
            "[API](https://[[HOST_SUBDOMAIN]]-80-[[KATACODA_HOST]].environments.katacoda.com/v1?q=1)",
            '<p><a class="port-link" data-port="80" href="/ports/80/v1?q=1">API</a></p>',
        ),
        (
            "[ACCESS NGINX]({{TRAFFIC_HOST1_80}}) and {{TRAFFIC_HOST1_1234}}.",
            '<p><a class="port-link" data-port="80" href="/ports/80/">ACCESS NGINX</a> and '
            '<a class="port-link" data-port="1234" href="/ports/1234/">/ports/1234/</a>.</p>',
        ),
        (
            "[ACCESS PORTS]({{TRAFFIC_SELECTOR}})",
            '<p><a class="port-selector" href="#ports">ACCESS PORTS</a></p>',
        ),
        (
            '<iframe src="https://[[HOST_SUBDOMAIN]]-3000-[[KATACODA_HOST]].environments.katacoda.com/"></iframe>\n',
            '<iframe src="/ports/3000/"></iframe>',
        ),
        ("`curl {{TRAFFIC_HOST1_80}}`", "<p><code>curl {{TRAFFIC_HOST1_80}}</code></p>"),
    ],
)
def test_port_placeholders_become_links(source: str, expected: str) -> None:
    assert html(source) == expected


def test_default_port_url() -> None:
    out = render_markdown("{{TRAFFIC_HOST1_8080}}", "s.md").html
    assert (
        out
        == '<p><a class="port-link" data-port="8080" href="http://localhost:8080/">http://localhost:8080/</a></p>'
    )


def test_extension_works_by_name_and_resets_between_documents() -> None:
    md = markdown.Markdown(extensions=["scenario.markdown_ext"])
    md.convert("`a`{{execute}}")
    ext = next(e for e in md.registeredExtensions if isinstance(e, SnippetExtension))
    assert [s.text for s in ext.snippets] == ["a"]
    md.reset()
    out = md.convert("`b`{{copy}} `c`{{copy}}")
    assert [s.text for s in ext.snippets] == ["b", "c"]
    assert 'data-snippet="0">b' in out and 'data-snippet="1">c' in out


def test_pygments_css_uses_classes() -> None:
    css = pygments_css(".highlight")
    assert ".highlight .nb" in css and ".highlight .hll" in css


def markdown_inputs() -> list[Path]:
    """Every Markdown file of the corpus, of this repository's scenario and of the tests' inputs."""
    found = sorted(CORPUS.rglob("*.md")) + sorted((REPO / "steps").glob("*.md"))
    found += sorted(p for p in (REPO / "tests").rglob("*.md") if ".pytest_cache" not in p.parts)
    return found


def test_there_are_inputs_to_compare() -> None:
    assert len(markdown_inputs()) > 150


@pytest.mark.parametrize("path", markdown_inputs(), ids=str)
def test_scan_and_render_find_the_same_snippets(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    scanned = scan(text, str(path)).snippets
    ext = SnippetExtension(path=str(path))
    markdown.Markdown(extensions=[ext]).convert(text)  # what the extension itself clicked, unmerged
    content = [(s.text, s.action, s.verb, s.modifiers, s.block, s.language) for s in scanned]
    assert [(s.text, s.action, s.verb, s.modifiers, s.block, s.language) for s in ext.snippets] == content
    page = render_markdown(text, str(path))
    key = [(s.text, s.action, s.verb, s.modifiers, s.block, s.location) for s in scanned]
    assert [(s.text, s.action, s.verb, s.modifiers, s.block, s.location) for s in page.snippets] == key
    assert page.html.count("data-snippet=") == len(scanned)


FRAGMENTS = (
    "`ls`{{execute}}",
    "`a` b `c`{{copy}}",
    "```\nx\n```{{exec}}",
    "```sh\ny\n```",
    "- item `l`{{execute T2}}",
    "    `code`{{execute}}",
    "<div>\n`raw`{{execute}}\n</div>",
    "<pre>`p`{{execute}}</pre>",
    "> `q`{{execute}}",
    "# `h`{{execute}}",
    "text",
    "",
    "``x ` y``{{execute}}",
    "`multi\nline`{{execute}}",
    "1. one\n\n    ```\n    z\n    ```{{execute}}",
    "<!-- expect: a -->",
    "<!-- comment -->",
    ">>Q1: q<<\n=== a",
    '<pre class="file" data-filename="a" data-target="replace">\n`n`{{execute}}\n</pre>',
    "`t`{{ .Values }}",
    "\\`x`{{execute}}",
    "*`em`{{execute}}*",
    "[`link`{{execute}}](http://x)",
    "<br>",
    "Text<br>`after`{{execute}}",
    "  - nested `n2`{{copy}}",
    "***",
    "Setext\n---",
    "~~~\n`in`{{execute}}\n~~~{{copy}}",
    "```\nunclosed",
    "`a`{{execute}}`b`{{execute}}",
    "<details>\n<summary>S</summary>\n\n`d`{{exec}}\n\n</details>",
    "`open\n\nspan`{{execute}}",
    "  `two`{{execute}}",
    "\t`tab`{{execute}}",
    "Para\n    `lazy`{{execute}}",
    "<span>`inl`{{execute}}</span>",
    "`x`{{execute}} <!-- expect: y -->",
    "```{{execute}}\n`f`{{copy}}\n```",
)


@pytest.mark.parametrize("seed", range(4))
def test_scan_and_render_agree_on_mixed_constructs(seed: int) -> None:
    """Pages stitched from tricky pieces (fixed seeds): the scanner and the renderer see the same snippets."""
    rng = random.Random(seed)
    for _ in range(300):
        text = "\n".join(rng.choice(("\n", "")) + rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 6)))
        scanned = [(s.text, s.verb, s.modifiers, s.block) for s in scan(text, "x.md").snippets]
        page = render_markdown(text, "x.md")
        assert [(s.text, s.verb, s.modifiers, s.block) for s in page.snippets] == scanned, text
        assert page.html.count("data-snippet=") == len(scanned), text


def test_code_keeps_its_tabs() -> None:
    source = "```make\nall:\n\techo hi\n```{{copy}}\n"
    page = render_markdown(source, "s.md")
    assert page.snippets[0].text == "all:\n\techo hi"
    assert '<span class="w">\t</span><span class="nb">echo' in page.html


def test_quiz_with_several_accepted_answers_has_one_box() -> None:
    out = html(">>Q1: Name a shell<<\n=== bash\n=== sh\n")
    assert out.count('type="text"') == 1
    assert '<input class="quiz-answer" type="hidden" name="quiz-0" data-match="exact" data-answer="sh"' in out


@pytest.mark.parametrize(
    ("token", "classes"),
    [
        ("{{execute}}", "execute"),
        ("{{exec}}", "execute"),
        ("{{copy}}", "copy"),
        ("{{open}}", "open"),
        ("{{}}", "nocopy"),
        ("{{execute T2}}", "execute T2"),
        ("{{execute HOST2}}", "execute HOST2"),
        ("{{execute interrupt}}", "execute interrupt"),
        ("{{exec interrupt}}", "execute interrupt"),
        ("{{execute ctrl-seq}}", "execute ctrl-seq"),
        ("{{execute no-newline}}", "execute no-newline"),
        ("{{execute test-uname}}", "execute test-uname"),
        ("{{execute interrupt T1}}", "execute interrupt T1"),
        ("{{execute T3 interrupt}}", "execute T3 interrupt"),
        ("{{copy test-x}}", "copy test-x"),
    ],
)
@pytest.mark.parametrize("fenced", [False, True])
def test_every_action_form_gets_its_classes_inline_and_fenced(token: str, classes: str, fenced: bool) -> None:
    source = f"```\nls\n```{token}\n" if fenced else f"Run `ls`{token}.\n"
    out = html(source)
    assert f'<code class="{classes}"' in out
    assert out.count('data-snippet="0"') == 1
    assert out.count(COPY) == (0 if token == "{{}}" else 1)


def test_pipe_tables_render_as_html_tables_with_snippets_inside() -> None:
    page = render_markdown("| image | size |\n|---|---|\n| `docker images`{{execute}} | 53 MB |\n", "t.md")
    assert "<table>" in page.html and "<td>53 MB</td>" in page.html
    assert [s.text for s in page.snippets] == ["docker images"]
    assert 'class="execute"' in page.html


def test_plain_inline_code_is_copyable_only_when_asked_for_killercoda() -> None:
    source = "Run `ls` then `pwd`{{exec}}.\n\n```\nnot inline\n```\n"
    killercoda = render_markdown(source, "k.md", copy_plain_code=True).html
    assert '<code class="copy-plain" role="button" tabindex="0" title="Click to copy">ls</code>' in killercoda
    assert killercoda.count("copy-plain") == 1  # not the snippet, not the fenced block
    assert "copy-plain" not in render_markdown(source, "k.md").html
