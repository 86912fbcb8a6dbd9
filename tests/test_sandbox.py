"""The sandbox every workflow expression and script runs in: escapes refused, time and size
bounded, ordinary conditions and scripts unchanged, and SpiffWorkflow really uses it."""

from __future__ import annotations

import builtins
import sys
import threading
import time
import types
from html import escape
from typing import Any

import pytest
from RestrictedPython.compile import compile_restricted_eval
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.workflow import sandbox_guards, sandbox_policy
from engine.workflow.sandbox import (
    SAFE_BUILTINS,
    SandboxTimeout,
    SandboxViolation,
    check_expression,
    check_script,
    evaluate,
    execute,
)
from engine.workflow.script_engine import SandboxedEnvironment, make_script_engine

CONTEXT: dict[str, Any] = {
    "x": 1,
    "casualties": 12,
    "category": "natural_disaster",
    "response_level": "II",
    "lvl": "I",
    "items": [{"amount": 2.5, "name": " Tent "}, {"amount": 4, "name": "Water"}],
    "report": {"casualties": {"dead": 3}},
    "missing": None,
    "amount": 1234.5678,
    "next_level": "0",
}

# Refused by the compiler: check_expression already says no, nothing ever runs.
REFUSED_AT_COMPILE = [
    "__import__('os')",
    "().__class__.__base__.__subclasses__()",
    "x.__class__",
    "getattr(x, '__class__')",
    "[c for c in ().__class__.__bases__[0].__subclasses__()]",
    "(lambda: 0).__globals__",
    "(x for x in items).gi_frame",
    "(x for x in items).gi_code",
    "items.f_back",
    "items.f_globals",
    "items.f_locals",
    "items.f_builtins",
    "items.tb_frame",
    "items.cr_frame",
    "items.ag_frame",
    "items.func_globals",
    "int.mro()",
    "random._os",
    "open('/etc/passwd')",
    "eval('1')",
    "exec('x=1')",
    "compile('1', '<s>', 'eval')",
    "globals()",
    "locals()",
    "vars()",
    "dir()",
    "type(x)",
    "iter(int, 1)",
    "any(1 for x in iter(int, 1))",
    '"{0.__class__}".format(1)',
    "str.format('{0.__class__}', 1)",
    "'{x}'.format_map({'x': 1})",
    "f'{x.__class__}'",
    "print(1)",
    "breakpoint()",
    "object()",
    "setattr(x, 'y', 1)",
]

# Well-formed but refused while running: the C-level loops no tracer could interrupt.
REFUSED_AT_RUN = [
    "sum(range(10**12))",
    "list(range(10**7))",
    "'x' * 10**10",
    "10**10 * 'x'",
    "[0] * 10**10",
    "2 ** 10**10",
    "10**10**10",
    " * ".join(["(3**10000)"] * 7),
    "1 << 10**6",
    "sum([[0] * 1000] * 1000, [])",
    "round(5, -10**9)",
    "(lambda f: f(f))(lambda f: f(f))",
]

SCRIPT_ESCAPES = [
    "import os",
    "from os import system",
    "import os as o\no.system('true')",
    "class A:\n    pass",
    "try:\n    x = 1\nexcept Exception:\n    pass",
    "with open('/etc/passwd') as f:\n    pass",
    "def g():\n    yield 1",
    "x.y = 1",
    "_getattr_ = None",
    "n = 2\nn **= 100000",
    "s = 'x'\ns *= 10**10",
    "n = 1\nn <<= 10**6",
    "def f(n):\n    return f(n + 1)\nf(0)",
]

NORMAL: list[tuple[str, Any]] = [
    ("casualties >= 10 and category == 'natural_disaster'", True),
    ("response_level in ('I', 'II')", True),
    ('"PT30M"', "PT30M"),
    ("{'level': lvl, 'n': len(items)}", {"level": "I", "n": 2}),
    ("[i['amount'] * 2 for i in items]", [5.0, 8]),
    ("sum(i['amount'] for i in items)", 6.5),
    ("report.get('casualties', {}).get('dead')", 3),
    ("sorted(report.keys())", ["casualties"]),
    ("[k for k, v in report.items()]", ["casualties"]),
    ("category.upper().lower()", "natural_disaster"),
    ("[i['name'].strip() for i in items]", ["Tent", "Water"]),
    ("'%s-%d (%.1f)' % (lvl, 3, 2.25)", "I-3 (2.2)"),
    ("f'{lvl}:{amount:.2f}'", "I:1234.57"),
    ("round(amount, 2)", 1234.57),
    ("min(3, casualties), max([1, 5, 2])", (3, 5)),
    ("'big' if casualties > 10 else 'small'", "big"),
    ("items[0]['name'][1:4]", "Ten"),
    ("items[-1]['amount']", 4),
    ("missing is None and x is not None", True),
    ("abs(-2) + int('3') + float('0.5')", 5.5),
    ("all([True, 1]) and not any([0, None])", True),
    ("list(zip([1, 2], 'ab'))", [(1, "a"), (2, "b")]),
    ("dict(enumerate(['a']))", {0: "a"}),
    ("list(map(lambda v: v * 2, filter(lambda v: v > 1, [1, 2, 3])))", [4, 6]),
    ("list(reversed(range(3)))", [2, 1, 0]),
    ("set([1, 1]) == {1} and tuple([1]) == (1,)", True),
    ("str(x) + 'b' * 3", "1bbb"),
    ("2 ** 10 + (3 << 2) + 7 // 2 + 7 % 4", 1024 + 12 + 3 + 3),
    ("isinstance(x, int) and bool(x)", True),
    ("lookup(report, 'casualties.dead', 0), lookup(report, 'casualties.hurt', 0)", (3, 0)),
    ("lookup({'a': [10, 20]}, 'a.1')", 20),
    ("coalesce(missing, 7)", 7),
    ("[*items[:1], 1][-1]", 1),
    ("{**report, 'y': 1}['y']", 1),
    ("(n := 4) * n", 16),
    ("[1 for _ in range(2)]", [1, 1]),
    ("next_level if casualties > 100 else lvl", "I"),
]


@pytest.mark.parametrize("source", REFUSED_AT_COMPILE)
def test_escape_refused_at_compile_time(source: str) -> None:
    with pytest.raises(SandboxViolation):
        check_expression(source)
    with pytest.raises(SandboxViolation):
        evaluate(source, dict(CONTEXT))


@pytest.mark.parametrize("source", REFUSED_AT_RUN)
def test_huge_computation_refused_at_run_time(source: str) -> None:
    started = time.monotonic()
    with pytest.raises(SandboxViolation):
        evaluate(source, dict(CONTEXT), timeout=0.2)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("source", SCRIPT_ESCAPES)
def test_script_escape_refused(source: str) -> None:
    context = dict(CONTEXT)
    with pytest.raises(SandboxViolation):
        execute(source, context, timeout=0.2)
    assert context == CONTEXT


def test_violation_messages_name_the_problem() -> None:
    with pytest.raises(SandboxViolation, match="imports are not allowed"):
        check_script("import os")
    with pytest.raises(SandboxViolation, match="'__class__' is not allowed: names starting with '_'"):
        check_expression("x.__class__")
    with pytest.raises(SandboxViolation, match="name '__import__' is not allowed"):
        check_expression("__import__('os')")
    with pytest.raises(SandboxViolation, match="attribute 'gi_frame' is not allowed"):
        check_expression("(v for v in items).gi_frame")
    with pytest.raises(SandboxViolation, match="calling 'type' is not allowed"):
        check_expression("type(x)")
    with pytest.raises(SandboxViolation, match="syntax error"):
        check_expression("casualties >=")


def test_syntax_errors_are_also_syntax_errors() -> None:
    with pytest.raises(SyntaxError) as raised:
        execute("total = (1 +", {})
    assert isinstance(raised.value, SandboxViolation)
    assert raised.value.lineno == 1


def test_open_is_never_called(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(builtins, "open", lambda *args, **kwargs: calls.append(args))
    for source in ("open('/etc/passwd')", "o = open\no('/etc/passwd')", "x = [open][0]('/etc/passwd')"):
        with pytest.raises((SandboxViolation, NameError)):
            execute(source, {})
    assert calls == []


def test_eval_and_exec_never_run() -> None:
    context: dict[str, Any] = {}
    with pytest.raises(SandboxViolation):
        execute("exec('pwned = 1')", context)
    assert context == {}


@pytest.mark.parametrize(
    ("source", "script"),
    [
        ("while True: pass", True),
        ("while True:\n    x = 1", True),
        ("for a in range(10**6):\n    for b in range(10**6):\n        pass", True),
        ("def spin():\n    while 1:\n        pass\nspin()", True),
        ("[0 for a in range(10**6) for b in range(10**6)]", False),
        ("any(False for a in range(10**6) for b in range(10**6))", False),
        ("sorted(range(10**6), key=lambda v: [w for w in range(10**6)])", False),
    ],
)
def test_runaway_code_times_out(source: str, script: bool) -> None:
    started = time.monotonic()
    with pytest.raises(SandboxTimeout, match="time budget"):
        if script:
            execute(source, {}, timeout=0.2)
        else:
            evaluate(source, {}, timeout=0.2)
    assert time.monotonic() - started < 2


def test_user_errors_propagate_unchanged() -> None:
    with pytest.raises(ZeroDivisionError):
        evaluate("casualties / 0", CONTEXT)
    with pytest.raises(NameError):
        evaluate("unknown_variable > 1", CONTEXT)
    with pytest.raises(TypeError):
        evaluate("category + 1", CONTEXT)
    with pytest.raises(KeyError):
        evaluate("report['nope']", CONTEXT)
    with pytest.raises(AttributeError):
        evaluate("category.nope", CONTEXT)


@pytest.mark.parametrize(("source", "expected"), NORMAL)
def test_normal_expressions(source: str, expected: Any) -> None:
    check_expression(source)
    context = dict(CONTEXT)
    assert evaluate(source, context) == expected
    assert context == CONTEXT


def test_execute_writes_variables_back() -> None:
    context: dict[str, Any] = {"direct_loss": 5, "relief_cost": 7, "old": 1, "hazards": ["flood"]}
    execute(
        "total = direct_loss + relief_cost\n"
        "def double(v):\n    return v * 2\n"
        "doubled = double(total)\n"
        "a, b = 1, 2\n"
        "for k, (p, q) in [('k', (3, 4))]:\n    a += p\n"
        "hazards.append('fire')\n"
        "ratio = round(total / 3, 2)\n"
        "del old\n"
        "label = 'high' if total > 10 else 'low'\n"
        "helper = lambda v: v\n"
        "kind = int\n"
        "nothing = None\n",
        context,
    )
    assert context == {
        "direct_loss": 5,
        "relief_cost": 7,
        "hazards": ["flood", "fire"],
        "total": 12,
        "doubled": 24,
        "a": 4,
        "b": 2,
        "k": "k",
        "p": 3,
        "q": 4,
        "ratio": 4.0,
        "label": "high",
        "nothing": None,
    }


def test_scripts_may_define_and_call_small_functions() -> None:
    context: dict[str, Any] = {"n": 10}
    execute("def fact(k):\n    return 1 if k <= 1 else k * fact(k - 1)\nresult = fact(n)", context)
    assert context == {"n": 10, "result": 3628800}


@pytest.mark.parametrize("source", ["(v for v in items)", "map(lambda v: v, items)", "zip(items)", "lambda: 1"])
def test_values_that_carry_code_do_not_leave_the_sandbox(source: str) -> None:
    with pytest.raises(SandboxViolation, match="plain data"):
        evaluate(source, CONTEXT)
    context = dict(CONTEXT)
    if source.startswith("lambda"):  # functions are dropped, like TaskDataEnvironment does
        execute(f"helper = {source}", context)
        assert context == CONTEXT
    else:
        with pytest.raises(SandboxViolation, match="make it a list"):
            execute(f"items = {source}", context)
        assert context == CONTEXT


def test_execute_writes_nothing_back_when_the_script_fails() -> None:
    context: dict[str, Any] = {"n": 1}
    with pytest.raises(ZeroDivisionError):
        execute("n = 2\nm = 3\nboom = 1 / 0", context)
    assert context == {"n": 1}


def test_task_data_cannot_replace_a_guard() -> None:
    context: dict[str, Any] = {"_getattr_": getattr, "__builtins__": builtins.__dict__, "s": "x"}
    assert evaluate("s.upper()", context) == "X"
    with pytest.raises(NameError):
        evaluate("open", context)
    execute("t = s.upper()", context)
    assert context["_getattr_"] is getattr and context["t"] == "X"


def test_no_module_frame_or_code_is_reachable_from_the_builtins() -> None:
    """Walk every non-underscore attribute three levels deep from each whitelisted builtin."""
    seen: set[int] = set()
    frontier: list[object] = list(SAFE_BUILTINS.values())
    for _ in range(3):
        following: list[object] = []
        for obj in frontier:
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            assert not isinstance(obj, (types.ModuleType, types.FrameType, types.CodeType)), obj
            for name in dir(obj):
                if not name.startswith("_") and name not in sandbox_guards.DENIED_ATTRIBUTES:
                    try:
                        following.append(getattr(obj, name))
                    except Exception:  # noqa: S112 - properties that need an instance
                        continue
        frontier = following
    assert len(seen) > 100


def test_builtin_whitelist_is_short_and_has_no_dangerous_names() -> None:
    dangerous = {"open", "eval", "exec", "compile", "getattr", "globals", "type", "vars", "dir", "iter", "__import__"}
    assert not dangerous & set(SAFE_BUILTINS)
    assert len(SAFE_BUILTINS) <= 32
    with pytest.raises(TypeError):
        SAFE_BUILTINS["open"] = open  # type: ignore[index]


def test_compiled_code_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = compile_restricted_eval

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(sandbox_policy, "compile_restricted_eval", counting)
    source = "casualties >= 10 and x == 1  # cache test"
    for _ in range(100):
        assert evaluate(source, CONTEXT) is True
    assert len(calls) == 1
    check_expression(source)
    assert len(calls) == 1


def test_simple_condition_is_fast() -> None:
    source = "casualties >= 10 and category == 'natural_disaster'"
    evaluate(source, CONTEXT)
    runs = 2000
    started = time.perf_counter()
    for _ in range(runs):
        evaluate(source, CONTEXT)
    assert (time.perf_counter() - started) / runs < 50e-6


def test_tracer_is_per_thread_and_restored() -> None:
    before = sys.gettrace()
    results: dict[str, Any] = {}
    slow_started = threading.Event()

    def runaway() -> None:
        slow_started.set()
        try:
            execute("while True:\n    pass", {}, timeout=0.5)
        except SandboxTimeout as err:
            results["runaway"] = err

    def busy() -> None:
        slow_started.wait()
        total = 0
        deadline = time.monotonic() + 0.8
        while time.monotonic() < deadline:
            total += evaluate("sum(v for v in range(1000))", {}, timeout=5.0)
        results["busy"] = total

    def traced_by_someone_else() -> None:
        def mine(frame: Any, event: str, arg: Any) -> None:
            return None

        sys.settrace(mine)
        try:
            with pytest.raises(SandboxTimeout):
                execute("while True: pass", {}, timeout=0.1)
            results["restored"] = sys.gettrace() is mine
        finally:
            sys.settrace(None)

    threads = [threading.Thread(target=f) for f in (runaway, busy, traced_by_someone_else)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert isinstance(results["runaway"], SandboxTimeout)
    assert results["busy"] > 0 and results["busy"] % 499500 == 0
    assert results["restored"] is True
    assert sys.gettrace() is before


# --- through SpiffWorkflow -----------------------------------------------------------------

_DMN = """\
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="grade_defs" name="Grade"
             namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="grade" name="Grade">
    <decisionTable id="grade_table" hitPolicy="FIRST">
      <input id="in_total" label="Total"><inputExpression id="in_total_e" typeRef="number">
        <text>total</text></inputExpression></input>
      <input id="in_cat" label="Category"><inputExpression id="in_cat_e" typeRef="string">
        <text>category</text></inputExpression></input>
      <output id="out_level" label="Level" name="level" typeRef="string" />
      <rule id="r1"><inputEntry id="r1a"><text>&gt;= 8</text></inputEntry>
        <inputEntry id="r1b"><text>"flood"</text></inputEntry>
        <outputEntry id="r1o"><text>"high"</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="r2a"><text>4 &lt;= ? &lt; 8</text></inputEntry>
        <inputEntry id="r2b"><text>-</text></inputEntry>
        <outputEntry id="r2o"><text>{OUTPUT}</text></outputEntry></rule>
      <rule id="r3"><inputEntry id="r3a"><text>-</text></inputEntry>
        <inputEntry id="r3b"><text>-</text></inputEntry>
        <outputEntry id="r3o"><text>"low"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""

_BPMN = """\
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="sandboxed" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute" />
    <bpmn:scriptTask id="compute" scriptFormat="python">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{SCRIPT}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="grade_task" />
    <bpmn:businessRuleTask id="grade_task">
      <bpmn:extensionElements><spiffworkflow:calledDecisionId>grade</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f3" sourceRef="grade_task" targetRef="gw" />
    <bpmn:exclusiveGateway id="gw" default="f_low">
      <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f_high</bpmn:outgoing><bpmn:outgoing>f_low</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f_high" sourceRef="gw" targetRef="end_high">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{CONDITION}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_low" sourceRef="gw" targetRef="end_low" />
    <bpmn:endEvent id="end_high"><bpmn:incoming>f_high</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end_low"><bpmn:incoming>f_low</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""


def _workflow(
    script: str = "total = direct_loss + relief_cost",
    condition: str = "level in ('high', 'medium')",
    output: str = '"medium"',
) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_dmn_str(_DMN.replace("{OUTPUT}", escape(output)))
    parser.add_bpmn_str(_BPMN.replace("{SCRIPT}", escape(script)).replace("{CONDITION}", escape(condition)))
    workflow = BpmnWorkflow(parser.get_spec("sandboxed"), script_engine=make_script_engine(timeout=0.3))
    start = workflow.get_tasks(state=TaskState.READY)[0]
    start.set_data(direct_loss=5, relief_cost=1, category="storm")
    return workflow


def _end(workflow: BpmnWorkflow) -> str:
    return next(
        str(t.task_spec.name) for t in workflow.get_tasks(state=TaskState.COMPLETED) if "end_" in t.task_spec.name
    )


def test_workflow_runs_scripts_dmn_and_conditions_in_the_sandbox() -> None:
    workflow = _workflow()
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert _end(workflow) == "end_high"
    data = workflow.last_task.data
    assert data["total"] == 6 and data["level"] == "medium"

    low = _workflow(script="total = 2")
    low.do_engine_steps()
    assert low.is_completed() and _end(low) == "end_low"
    assert low.last_task.data["level"] == "low"


@pytest.mark.parametrize(
    ("kwargs", "failing_task"),
    [
        ({"script": "import os\ntotal = 1"}, "compute"),
        ({"script": "total = ().__class__"}, "compute"),
        ({"script": "while True: pass"}, "compute"),
        ({"condition": "().__class__"}, "gw"),
        ({"condition": "open('/etc/passwd')"}, "gw"),
        ({"condition": "any(False for a in range(10**6) for b in range(10**6))"}, "gw"),
        ({"output": "().__class__.__base__"}, "grade_task"),
    ],
)
def test_workflow_refuses_escapes_in_scripts_conditions_and_dmn(kwargs: dict[str, str], failing_task: str) -> None:
    workflow = _workflow(**kwargs)
    with pytest.raises(WorkflowTaskException) as raised:
        workflow.do_engine_steps()
    cause = raised.value.__context__
    while cause is not None and not isinstance(cause, SandboxViolation):
        cause = cause.__context__
    assert isinstance(cause, SandboxViolation)
    assert [t.task_spec.name for t in workflow.get_tasks(state=TaskState.ERROR)] == [failing_task]
    assert not workflow.is_completed()


def test_environment_dmn_shapes_and_external_context() -> None:
    env = SandboxedEnvironment(timeout=0.5)
    data: dict[str, Any] = {"total": 9, "category": "flood"}
    # The three expression shapes DMNEngine.evaluate builds from a cell.
    assert env.evaluate("total>= 8", data) is True
    assert env.evaluate('(category) == ("flood")', data) is True
    assert env.evaluate("4 <= dmninputexpr < 8", data, external_context={"dmninputexpr": 5}) is True
    assert data == {"total": 9, "category": "flood"}
    with pytest.raises(SandboxViolation):
        env.evaluate("dmninputexpr.__class__", data, external_context={"dmninputexpr": 5})

    env.execute("seen = shared + total\nshared = 0\ndef f():\n    return 1", data, external_context={"shared": 1})
    assert data == {"total": 9, "category": "flood", "seen": 10}
    with pytest.raises(ValueError, match="overwrites"):
        env.execute("x = 1", {"shared": 1}, external_context={"shared": 2})
