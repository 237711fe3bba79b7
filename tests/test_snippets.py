"""The snippet scanner: action forms, fences, templates left alone, editor blocks, quizzes, placeholders."""

from __future__ import annotations

import pytest

from scenario.markdown_ext import render_markdown
from scenario.model import Action, Severity, SourceLocation
from scenario.snippets import Placeholder, parse_action, scan


def one(source: str):
    """The only snippet of `source`."""
    found = scan(source, "s.md")
    assert len(found.snippets) == 1, found.snippets
    return found.snippets[0]


def messages(source: str) -> list[str]:
    """Every diagnostic of `source`, as users see its first line."""
    return [d.format().splitlines()[0] for d in scan(source, "s.md").diagnostics]


@pytest.mark.parametrize(
    ("token", "action", "verb", "terminal", "host", "flags", "classes"),
    [
        ("{{execute}}", Action.EXECUTE, "execute", 1, None, (), ()),
        ("{{exec}}", Action.EXECUTE, "exec", 1, None, (), ()),
        ("{{copy}}", Action.COPY, "copy", 1, None, (), ()),
        ("{{open}}", Action.OPEN, "open", 1, None, (), ()),
        ("{{}}", Action.NONE, "", 1, None, (), ()),
        ("{{execute T2}}", Action.EXECUTE, "execute", 2, None, (), ()),
        ("{{execute HOST2}}", Action.EXECUTE, "execute", 1, 2, (), ()),
        ("{{execute interrupt}}", Action.EXECUTE, "execute", 1, None, ("interrupt",), ()),
        ("{{exec interrupt}}", Action.EXECUTE, "exec", 1, None, ("interrupt",), ()),
        ("{{execute ctrl-seq}}", Action.EXECUTE, "execute", 1, None, ("ctrl_seq",), ()),
        ("{{execute no-newline}}", Action.EXECUTE, "execute", 1, None, ("no_newline",), ()),
        ("{{execute test-uname}}", Action.EXECUTE, "execute", 1, None, (), ("test-uname",)),
        ("{{execute interrupt T1}}", Action.EXECUTE, "execute", 1, None, ("interrupt",), ()),
        ("{{execute T3 interrupt}}", Action.EXECUTE, "execute", 3, None, ("interrupt",), ()),
        (
            "{{execute HOST2 T4 no-newline ctrl-seq interrupt tag-a}}",
            Action.EXECUTE,
            "execute",
            4,
            2,
            ("interrupt", "ctrl_seq", "no_newline"),
            ("tag-a",),
        ),
        ("{{copy test-x}}", Action.COPY, "copy", 1, None, (), ("test-x",)),
    ],
)
def test_inline_actions_and_modifiers(token, action, verb, terminal, host, flags, classes):
    snippet = one(f"Run `echo hi`{token} now.")
    assert snippet.text == "echo hi"
    assert snippet.action is action
    assert snippet.verb == verb
    assert snippet.modifiers == tuple(token.strip("{}").split()[1:])
    assert (snippet.terminal, snippet.host, snippet.classes) == (terminal, host, classes)
    for name in ("interrupt", "ctrl_seq", "no_newline"):
        assert getattr(snippet, name) is (name in flags)
    assert snippet.location == SourceLocation("s.md", 1, 5)
    assert not snippet.block


def test_backtick_runs_of_any_length_and_surrounding_spaces():
    snippet = one("x ``echo `date` ``{{execute}}")
    assert snippet.text == "echo `date`"
    assert snippet.location == SourceLocation("s.md", 1, 3)


def test_several_snippets_on_a_line_in_order():
    found = scan("`a`{{execute}} and `b` and `c`{{copy}}\n\n  `d`{{open}}", "p.md").snippets
    assert [(s.text, s.verb, str(s.location)) for s in found] == [
        ("a", "execute", "p.md:1:1"),
        ("c", "copy", "p.md:1:28"),
        ("d", "open", "p.md:3:3"),
    ]


def test_plain_code_is_not_a_snippet():
    assert scan("`ls` and `pwd`", "s.md").snippets == ()


def test_fenced_block_with_action_after_closing_fence():
    source = "Intro\n\n```sh\necho 1\n\necho 2\n```{{execute T2}}\n"
    snippet = one(source)
    assert snippet.text == "echo 1\n\necho 2"
    assert snippet.block
    assert snippet.language == "sh"
    assert snippet.terminal == 2
    assert snippet.location == SourceLocation("s.md", 3, 1)


def test_fences_with_tildes_longer_runs_indentation_and_line_highlights():
    source = "1. Apply:\n\n   ````yaml{2,5}\n   a: 1\n     b: 2\n   ````{{copy}}\n\n~~~\nls\n~~~{{exec}}\n"
    found = scan(source, "s.md").snippets
    assert [(s.text, s.language, s.verb, s.location.line, s.location.col) for s in found] == [
        ("a: 1\n  b: 2", "yaml", "copy", 3, 4),
        ("ls", "", "exec", 8, 1),
    ]


def test_fence_without_action_and_code_inside_fences_are_not_scanned():
    source = "```\n`rm -rf /`{{execute}}\n```\n\n```md\n```{{execute}} inside\n```\n"
    assert scan(source, "s.md").snippets == ()


def test_indented_code_block_is_not_scanned_but_list_continuation_is():
    assert scan("Text\n\n    `ls`{{execute}}\n", "s.md").snippets == ()
    found = scan("- item\n\n    `ls`{{execute}}\n", "s.md").snippets
    assert [str(s.location) for s in found] == ["s.md:3:5"]


def test_raw_html_pre_blocks_show_source_and_are_not_snippets():
    source = '<pre>`echo "Run in T1"`{{execute T1}}</pre>\n\n<pre>\n```sh\nls\n```{{copy}}\n</pre>\n'
    assert scan(source, "s.md").snippets == ()


def test_markdown_after_an_html_block_and_a_blank_line_is_scanned():
    source = "<details><summary>Solution</summary>\n\n```plain\nkubectl get ns\n```{{exec}}\n\n</details>\n"
    snippet = one(source)
    assert (snippet.text, snippet.language, snippet.location.line) == ("kubectl get ns", "plain", 3)


@pytest.mark.parametrize(
    "source",
    [
        "`helm`{{ .Values.image }}",
        "```\n{{ .Values.image }}\n{{- end }}\n```",
        'Use {{ .Release.Name }} and `{{ include "x" . }}` here',
        "`x`{{- if .Values.enabled }}",
        "`x`{{TRAFFIC_HOST1_80}}",
    ],
)
def test_templates_are_left_alone(source: str):
    found = scan(source, "s.md")
    assert found.snippets == ()
    assert found.diagnostics == ()


def test_unknown_verb_right_after_code_is_a_warning():
    assert messages("Run `ls`{{run}} and `pwd`{{Execute T2}}\n") == [
        "s.md:1:9: warning: unknown action '{{run}}' after code; "
        "known actions: execute, exec, copy, open, {{}}",
        "s.md:1:26: warning: unknown action '{{Execute T2}}' after code (did you mean '{{execute T2}}'?); "
        "known actions: execute, exec, copy, open, {{}}",
    ]


def test_misspelt_verb_gets_a_suggestion_and_a_caret():
    diagnostic = scan("x\n```\nls\n```{{excute}}\n", "d/s.md").diagnostics[0]
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.format() == (
        "d/s.md:4:4: warning: unknown action '{{excute}}' after code (did you mean 'execute'?); "
        "known actions: execute, exec, copy, open, {{}}\n"
        "    ```{{excute}}\n"
        "       ^"
    )


def test_action_separated_by_a_space_is_not_an_action_and_warns():
    found = scan("Run `ls` {{execute}}\n", "s.md")
    assert found.snippets == ()
    assert messages("Run `ls` {{execute}}\n") == [
        "s.md:1:10: warning: '{{execute}}' is separated from the code before it, so it is not an action; "
        "remove the space"
    ]


def test_unclosed_fence_warns_and_swallows_the_rest():
    source = "ok\n\n```sh\necho\n`ls`{{execute}}\n"
    assert scan(source, "s.md").snippets == ()
    assert messages(source) == ["s.md:3:1: warning: code fence is never closed"]


def test_expect_comments_fill_the_snippet():
    source = (
        "`uname -s`{{execute}}\n"
        "<!-- expect: ^Linux$ -->\n"
        "<!-- expect-exit: 0 -->\n"
        "<!-- requires: docker, kubernetes -->\n"
        "\n"
        "```\nfalse\n```{{execute}} <!-- expect-exit: 1 -->\n"
    )
    first, second = scan(source, "s.md").snippets
    assert (first.expect, first.expect_exit, first.requires) == ("^Linux$", 0, ("docker", "kubernetes"))
    assert (second.expect, second.expect_exit, second.requires) == (None, 1, ())


def test_expect_comment_goes_to_the_last_snippet_of_the_line():
    found = scan("`a`{{execute}} then `b`{{execute}}\n<!-- expect: B -->\n", "s.md").snippets
    assert [s.expect for s in found] == [None, "B"]


def test_bad_and_orphan_expect_comments_are_reported():
    source = (
        "Text\n"
        "<!-- expect: orphan -->\n"
        "\n"
        "`ls`{{execute}}\n"
        "<!-- expect: ([a-z -->\n"
        "<!-- expect-exit: zero -->\n"
        "<!-- requires: podman -->\n"
    )
    assert messages(source) == [
        "s.md:2:1: warning: 'expect' comment is not right after a snippet; it is ignored",
        "s.md:5:1: error: expect: invalid regular expression: unterminated character set at position 1",
        "s.md:6:1: error: expect-exit: 'zero' is not an integer",
        "s.md:7:1: warning: requires: unknown requirement 'podman' (known: docker, kubernetes)",
    ]


def test_editor_blocks():
    source = (
        'Copy:\n\n<pre class="file" data-filename="app.js" data-target="replace">var a = 1;\n'
        "if (a &lt; 2) {}\n</pre>\n\n"
        '<pre class="file" data-filename="app.js" data-target="insert" data-marker="#TODO">\n'
        "x()\n</pre>\n\n"
        '<pre class="file" data-target="clipboard">Copy me</pre>\n\n'
        '<pre class="file">\n{"shown": "only"}\n</pre>\n'
    )
    found = scan(source, "s.md")
    assert [(e.filename, e.target, e.text, e.marker, str(e.location)) for e in found.editor_blocks] == [
        ("app.js", "replace", "var a = 1;\nif (a < 2) {}\n", None, "s.md:3:1"),
        ("app.js", "insert", "x()\n", "#TODO", "s.md:7:1"),
        ("", "clipboard", "Copy me", None, "s.md:11:1"),
    ]
    assert found.diagnostics == ()


def test_bad_editor_blocks():
    source = (
        '<pre class="file" data-target="overwrite" data-filename="a">x</pre>\n\n'
        '<pre class="file" data-target="append">\n'
    )
    assert messages(source) == [
        "s.md:1:1: error: unknown data-target 'overwrite' "
        "(expected one of: replace, append, prepend, insert, clipboard)",
        's.md:3:1: error: <pre class="file"> is never closed with </pre>',
        "s.md:3:1: error: copy-to-editor block has no data-filename",
    ]


def test_quizzes():
    source = (
        ">>Q1: Enter the exact string test<<\n=== test\n\n"
        ">>Q2: Contains<<\n=~= test\n\n"
        ">>Q3: Multiple Choice <<\n[*] Correct\n[*] Also\n[ ] Wrong\n\n"
        ">>Q4: Single Choice <<\n(*) Right\n( ) Wrong\n"
    )
    found = scan(source, "s.md")
    assert [(q.question, q.kind, [(a.text, a.correct) for a in q.answers]) for q in found.quizzes] == [
        ("Enter the exact string test", "exact", [("test", True)]),
        ("Contains", "contains", [("test", True)]),
        ("Multiple Choice", "multiple", [("Correct", True), ("Also", True), ("Wrong", False)]),
        ("Single Choice", "single", [("Right", True), ("Wrong", False)]),
    ]
    assert [q.location.line for q in found.quizzes] == [1, 4, 7, 12]
    assert found.diagnostics == ()


def test_bad_quizzes():
    source = (
        ">>Q1: No answers<<\n\n=== late\n\n>>Q2: Mixed<<\n[*] a\n(*) b\n\n"
        ">>Q3: None right<<\n( ) a\n( ) b\n\n>>Q4: Two<<\n(*) a\n(*) b\n"
    )
    assert messages(source) == [
        "s.md:1:1: error: quiz question has no answers "
        "(answers must follow the question line, no blank line between)",
        "s.md:7:1: error: quiz answer of kind 'single' in a 'multiple' question",
        "s.md:9:1: error: quiz question has no correct answer (mark one with *)",
        "s.md:13:1: error: single-choice quiz question has more than one (*)",
    ]


def test_quiz_inside_pre_is_only_shown():
    assert scan("<pre>\n>>Q1: x<<\n=== y\n</pre>\n", "s.md").quizzes == ()


def test_placeholders():
    source = (
        "Open https://[[HOST_SUBDOMAIN]]-8500-[[KATACODA_HOST]].environments.katacoda.com/ now\n"
        "`echo [[HOST2_IP]]`{{execute}} and [[HOST_SUBDOMAIN]]-80-[[KATACODA_HOST]].[[KATACODA_DOMAIN]]\n"
        "[ACCESS]({{TRAFFIC_HOST1_8080}}) [PORTS]({{TRAFFIC_SELECTOR}})\n"
        "https://[[HOST_SUBDOMAIN]]-[[KATACODA_HOST]].environments.katacoda.com/\n"
    )
    assert scan(source, "s.md").placeholders == (
        Placeholder("HOST_SUBDOMAIN", 8500, SourceLocation("s.md", 1, 6)),
        Placeholder("HOST2_IP", None, SourceLocation("s.md", 2, 7)),
        Placeholder("HOST_SUBDOMAIN", 80, SourceLocation("s.md", 2, 36)),
        Placeholder("TRAFFIC_HOST1_8080", 8080, SourceLocation("s.md", 3, 10)),
        Placeholder("TRAFFIC_SELECTOR", None, SourceLocation("s.md", 3, 42)),
        Placeholder("HOST_SUBDOMAIN", None, SourceLocation("s.md", 4, 1)),
    )


def test_images_outside_code():
    source = (
        '![logo](../assets/logo.png "Logo")\n<img src="./green.png" style="x">\n'
        "`![not](me.png)`\n\n```\n![no](x.png)\n```\n"
    )
    found = scan(source, "s.md").images
    assert [(i.path, str(i.location)) for i in found] == [
        ("../assets/logo.png", "s.md:1:9"),
        ("./green.png", "s.md:2:11"),
    ]


def test_parse_action():
    assert parse_action("execute T2") is not None
    assert parse_action(" execute") is None
    assert parse_action(".Values.x") is None
    assert parse_action("") is not None


def test_crlf_input_gives_the_same_snippets():
    assert (
        scan("`ls`{{execute}}\r\n\r\n```\npwd\r\n```{{copy}}\r\n", "s.md").snippets
        == scan("`ls`{{execute}}\n\n```\npwd\n```{{copy}}\n", "s.md").snippets
    )


def test_action_separated_from_a_closing_fence_warns():
    source = "```\nls\n``` {{execute}}\n"
    assert scan(source, "s.md").snippets == ()
    assert messages(source) == [
        "s.md:3:5: warning: '{{execute}}' is separated from the code before it, so it is not an action; "
        "remove the space"
    ]


def test_expect_comment_over_several_lines_is_reported():
    source = "`ls`{{execute}}\n<!-- expect:\nfoo\n-->\n"
    assert scan(source, "s.md").snippets[0].expect is None
    assert messages(source) == [
        "s.md:2:1: warning: 'expect' comment must be on one line (<!-- expect: ... -->); it is ignored"
    ]


def test_questionable_expect_regex_is_a_warning():
    source = "`ls`{{execute}}\n<!-- expect: [[a]] -->\n"
    assert scan(source, "s.md").snippets[0].expect == "[[a]]"
    assert messages(source) == ["s.md:2:1: warning: expect: Possible nested set at position 1"]


def test_snippet_inside_an_expect_comment_is_not_a_snippet():
    source = "`a`{{execute}} <!-- expect: `b`{{execute}} -->\n    `c`{{execute}}\n"
    assert [s.text for s in scan(source, "s.md").snippets] == ["a", "c"]
    assert [s.text for s in render_markdown(source, "s.md").snippets] == ["a", "c"]


def test_action_token_locations_line_up_with_snippets():
    found = scan("`a\nb`{{execute T2}} x `c`{{}}\n\n```\nd\n```{{copy}}\n", "s.md")
    assert [s.text for s in found.snippets] == ["a b", "c", "d"]
    assert [str(t) for t in found.action_tokens] == ["s.md:2:3", "s.md:2:23", "s.md:6:4"]


def test_expect_comments_in_running_text_without_a_snippet_before_them_are_orphans():
    source = (
        "Some text <!-- expect: a --> then `ls`{{execute}} <!-- expect: b -->\n"
        "More <!-- requires: docker -->\n"
    )
    found = scan(source, "s.md")
    assert found.snippets[0].expect == "b"
    assert messages(source) == [
        "s.md:1:11: warning: 'expect' comment is not right after a snippet; it is ignored",
        "s.md:2:6: warning: 'requires' comment is not right after a snippet; it is ignored",
    ]
