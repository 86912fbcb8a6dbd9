"""UI strings in English and 简体中文, and the bilingual parts of form schemas.

Why one module: every page, label and message a person reads comes from here, from the
vocabulary's labels (`forms.vocabulary`) or from a form's own schema (`title`/`x-title-zh`,
`x-enum-labels`/`x-enum-labels-zh`), so a missing translation is a missing key in one file, not a
string buried in a template. Engine messages are English;
`message()` translates the short field messages of `forms.validate()` and the engine's common
ones, and leaves anything else as it is. Imports neither engine nor api.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from forms.vocabulary import LABELS, LANGUAGES

DEFAULT = "en"

#: key -> (English, 中文). Placeholders use str.format names.
STRINGS: dict[str, tuple[str, str]] = {
    "app": ("Renxing", "韧性"),
    "tagline": ("Community emergency management", "社区应急管理"),
    "nav.inbox": ("My tasks", "我的任务"),
    "nav.incidents": ("Incidents", "事件"),
    "nav.dashboard": ("Dashboard", "总览"),
    "nav.definitions": ("Models", "流程模型"),
    "nav.signout": ("Sign out", "退出"),
    "nav.signin": ("Sign in", "登录"),
    "lang.switch": ("中文", "English"),
    "login.title": ("Sign in", "登录"),
    "login.username": ("Username", "用户名"),
    "login.password": ("Password", "密码"),
    "login.submit": ("Sign in", "登录"),
    "login.failed": ("Incorrect username or password.", "用户名或密码错误。"),
    "login.locked": ("This account is locked after repeated failed sign-ins. Try again after {until}.",
                     "多次登录失败，账户已锁定，请于 {until} 之后再试。"),
    "signed_in_as": ("Signed in as {name}", "当前用户：{name}"),
    "inbox.title": ("My tasks", "我的任务"),
    "inbox.empty": ("No tasks for your seats right now.", "您的席位暂无待办任务。"),
    "col.task": ("Task", "任务"),
    "col.incident": ("Incident", "事件"),
    "col.phase": ("Phase", "阶段"),
    "col.level": ("Level", "响应级别"),
    "col.due": ("Due", "截止时间"),
    "col.seat": ("Seat", "席位"),
    "col.status": ("Status", "状态"),
    "col.unit": ("Unit", "网格/单元"),
    "col.category": ("Category", "类别"),
    "col.time": ("Time", "时间"),
    "col.actor": ("Who", "人员"),
    "col.activity": ("Activity", "活动"),
    "col.title": ("Title", "标题"),
    "col.reference": ("Reference", "编号"),
    "col.owner": ("Owner", "负责席位"),
    "col.version": ("Version", "版本"),
    "col.deployed": ("Deployed", "部署"),
    "col.count": ("Count", "数量"),
    "overdue": ("overdue", "已超时"),
    "claimed_by_you": ("claimed by you", "已由您认领"),
    "claim": ("Claim", "认领"),
    "release": ("Release", "释放"),
    "open": ("Open", "打开"),
    "none": ("—", "—"),
    "yes": ("Yes", "是"),
    "no": ("No", "否"),
    "choose": ("— choose —", "— 请选择 —"),
    "required": ("required", "必填"),
    "one_per_line": ("One per line.", "每行一项。"),
    "add_row": ("Add a row", "添加一行"),
    "submit": ("Submit", "提交"),
    "save": ("Save", "保存"),
    "filter": ("Filter", "筛选"),
    "all": ("All", "全部"),
    "task.title": ("Task", "任务"),
    "task.errors": ("Please correct the fields marked below.", "请修改下列标出的字段。"),
    "task.done": ("This task is no longer open ({state}).", "此任务已结束（{state}）。"),
    "task.not_yours": ("You can read this task but it belongs to another seat.", "您可查看此任务，但它属于其他席位。"),
    "flash.task_completed": ("Task completed.", "任务已完成。"),
    "flash.task_claimed": ("Task claimed.", "任务已认领。"),
    "flash.task_released": ("Task released.", "任务已释放。"),
    "flash.decision_recorded": ("Decision recorded.", "决策已记录。"),
    "flash.level_changed": ("Level change sent.", "响应级别调整已发出。"),
    "flash.seated": ("Seat granted.", "席位已分配。"),
    "flash.response_over": ("Response declared over.", "已宣布响应结束。"),
    "flash.deployed": ("Bundle deployed.", "流程包已部署。"),
    "flash.language": ("Language changed.", "语言已切换。"),
    "incidents.title": ("Incidents", "事件列表"),
    "incidents.empty": ("No incidents match.", "没有符合条件的事件。"),
    "exercise": ("Exercise", "演练"),
    "exercise.banner": ("EXERCISE 演练 — this is a drill", "演练 EXERCISE —— 本事件为演练"),
    "real": ("Real", "真实"),
    "incident.level": ("Response level", "响应级别"),
    "incident.no_level": ("not graded yet", "尚未定级"),
    "level.short": ("Level {level}", "{level} 级"),
    "incident.commanders": ("Commander", "现场指挥"),
    "incident.diagram": ("Process", "流程图"),
    "incident.timeline": ("Timeline", "时间线"),
    "incident.timeline_hidden": ("The timeline is visible to the incident's commander, auditors and administrators.",
                                 "时间线仅对本事件指挥、审计人员和管理员可见。"),
    "incident.decisions_hidden": ("Decisions are visible to the incident's commander, reviewers, auditors and "
                                  "administrators.", "决策记录仅对本事件指挥、容错审查人、审计人员和管理员可见。"),
    "incident.open_tasks": ("Open tasks", "待办任务"),
    "incident.no_tasks": ("No open tasks.", "暂无待办任务。"),
    "incident.timers": ("Pending timers", "计时器"),
    "incident.no_timers": ("No pending timers.", "暂无计时器。"),
    "incident.decisions": ("On-scene decisions", "临场决策"),
    "incident.no_decisions": ("No decisions recorded.", "暂无决策记录。"),
    "incident.audit": ("Auditor view", "审计视图"),
    "incident.report": ("After-action report", "复盘报告"),
    "incident.ended": ("Ended {when}: {reason}", "已于 {when} 结束：{reason}"),
    "legend.completed": ("completed", "已完成"),
    "legend.active": ("active (ready)", "进行中"),
    "legend.waiting": ("waiting (timer / message)", "等待（计时器/消息）"),
    "legend.idle": ("not reached", "未到达"),
    "actions.title": ("Commander actions", "指挥操作"),
    "decision.record": ("Record an on-scene decision", "记录临场决策"),
    "decision.situation": ("Situation", "现场情况"),
    "decision.options": ("Options considered", "备选方案"),
    "decision.choice": ("Choice", "决定"),
    "decision.rationale": ("Rationale", "理由"),
    "decision.authority_basis": ("Authority basis", "授权依据"),
    "decision.expected_effect": ("Expected effect", "预期效果"),
    "decision.departs_from_plan": ("Departs from the plan", "偏离预案"),
    "decision.urgency": ("Urgency", "紧急程度"),
    "decision.flagged": ("flagged for review: {reason}", "已提交容错审查：{reason}"),
    "decision.ruling": ("Ruling", "认定"),
    "decision.no_ruling": ("awaiting review", "待审查"),
    "decision.by": ("{who}, {when}", "{who}，{when}"),
    "decision.review_by": ("reviewed by {who}, {when}", "审查人 {who}，{when}"),
    "decision.reasoning": ("Reasoning", "审查意见"),
    "decision.criteria": ("Criteria weighed", "考量因素"),
    "decision.maker_statement": ("Statement of the decision-maker", "决策人陈述"),
    "level.change": ("Change the response level", "调整响应级别"),
    "level.new": ("New level", "新级别"),
    "level.reason": ("Reason", "理由"),
    "seat.title": ("Seat someone on this incident", "为本事件分配席位"),
    "seat.user": ("Person", "人员"),
    "seat.role": ("Seat", "席位"),
    "over.title": ("Declare the response over", "宣布响应结束"),
    "over.confirm": ("The response phase ends and recovery begins.", "响应阶段结束，进入恢复阶段。"),
    "audit.title": ("Auditor view", "审计视图"),
    "audit.trail": ("Decision trail", "决策轨迹"),
    "audit.verify": ("Chain verification", "审计链校验"),
    "audit.intact": ("Intact: {events} events in {chains} chain(s).", "完整：{chains} 条链，共 {events} 个事件。"),
    "audit.broken": ("BROKEN at {chain} #{seq}: {reason}", "在 {chain} 第 {seq} 条处断裂：{reason}"),
    "audit.incident_chain": ("This incident's chain", "本事件审计链"),
    "audit.all_chains": ("The whole log", "全部日志"),
    "audit.export": ("Export events (JSON Lines)", "导出事件（JSON Lines）"),
    "report.title": ("After-action report", "复盘报告"),
    "report.print": ("Print", "打印"),
    "report.activity_log": ("Activity log (ICS-214)", "活动日志（ICS-214）"),
    "report.decisions": ("Decisions and rulings", "决策与认定"),
    "report.lessons": ("Lessons", "经验教训"),
    "report.no_lessons": ("No lessons recorded yet.", "尚未记录经验教训。"),
    "report.actions": ("Improvement actions", "改进措施"),
    "report.no_actions": ("No improvement actions.", "暂无改进措施。"),
    "report.review": ("After-action review", "复盘"),
    "report.generated": ("Generated {when}", "生成于 {when}"),
    "dashboard.title": ("Dashboard", "总览"),
    "dashboard.by_level": ("Active incidents by response level", "按响应级别统计的进行中事件"),
    "dashboard.by_phase": ("Active incidents by phase", "按阶段统计的进行中事件"),
    "dashboard.overdue": ("Overdue tasks by seat", "按席位统计的超时任务"),
    "dashboard.hazards": ("Open hazards by grade", "按等级统计的未销号隐患"),
    "dashboard.actions": ("Improvement actions due", "到期改进措施"),
    "dashboard.actions_chart": ("Improvement actions by due date", "按期限统计的改进措施"),
    "dashboard.actions_overdue": ("overdue", "已逾期"),
    "dashboard.actions_soon": ("due within 30 days", "30 天内到期"),
    "dashboard.actions_later": ("later", "更晚"),
    "dashboard.nothing": ("Nothing to show.", "暂无数据。"),
    "definitions.title": ("Process models", "流程模型"),
    "definitions.empty": ("No models deployed.", "尚未部署流程模型。"),
    "definitions.deploy": ("Deploy a bundle", "部署流程包"),
    "definitions.files": (".bpmn and .dmn files", ".bpmn 与 .dmn 文件"),
    "definitions.invalid": ("The bundle is not valid:", "流程包未通过校验："),
    "definitions.deployed": ("Deployed: {items}", "已部署：{items}"),
    "definitions.user_tasks": ("User tasks", "人工任务"),
    "definitions.lanes": ("Seats (lanes)", "席位（泳道）"),
    "definitions.messages": ("Messages", "消息"),
    "definitions.no_diagram": ("This model has no diagram data.", "此模型没有图形数据。"),
    "error.title": ("Something went wrong", "出错了"),
    "error.401": ("Please sign in", "请先登录"),
    "error.403": ("Not allowed", "无权访问"),
    "error.404": ("Not found", "未找到"),
    "error.409": ("The situation changed", "状态已变化"),
    "error.400": ("Bad request", "请求无效"),
    "error.422": ("Not valid", "输入无效"),
    "error.429": ("Too many attempts", "尝试次数过多"),
    "error.csrf": ("This form has expired or did not come from this site. Reload the page and try again.",
                   "表单已过期或来源不明，请刷新页面后重试。"),
    "error.back": ("Back to my tasks", "返回我的任务"),
    "phase.closed": ("closed", "已关闭"),
}

EVENT_LABELS: dict[str, tuple[str, str]] = {
    "incident_started": ("Incident reported: {title}", "接报事件：{title}"),
    "task_completed": ("Completed '{task}' as {role}", "以{role}身份完成“{task}”"),
    "task_claimed": ("Claimed '{task}'", "认领“{task}”"),
    "task_released": ("Released '{task}'", "释放“{task}”"),
    "task_reassigned": ("Reassigned '{task}' to {to}", "将“{task}”改派给 {to}"),
    "phase_changed": ("Phase {from} → {to}", "阶段 {from} → {to}"),
    "response_level_changed": ("Response level {from} → {to}", "响应级别 {from} → {to}"),
    "decision_recorded": ("On-scene decision: {choice}", "临场决策：{choice}"),
    "decision_flagged": ("Decision #{decision_id} flagged for review: {reason}",
                         "决策 #{decision_id} 提交容错审查：{reason}"),
    "fault_tolerance_ruling": ("Ruling on decision #{decision_id}: {ruling}", "决策 #{decision_id} 的认定：{ruling}"),
    "message_received": ("Message '{name}'", "收到消息“{name}”"),
    "seat_granted": ("{username} seated as {role}", "{username} 担任 {role}"),
    "seat_removed": ("{username} removed from {role}", "{username} 不再担任 {role}"),
    "commander_seated": ("{username} takes command ({seat})", "{username} 担任指挥（{seat}）"),
    "timers_fired": ("Timer fired", "计时器触发"),
    "incident_closed": ("Incident closed: {reason}", "事件关闭：{reason}"),
    "incident_cancelled": ("Incident cancelled: {reason}", "事件取消：{reason}"),
    "improvement_action_recorded": ("Improvement action: {title} (owner {owner_seat}, due {due_at})",
                                    "改进措施：{title}（负责 {owner_seat}，期限 {due_at}）"),
    "hazards_registered": ("Hazards registered", "隐患登记"),
    "hazard_updated": ("Hazard #{hazard_id}: {from} → {to}", "隐患 #{hazard_id}：{from} → {to}"),
    "plan_published": ("Plan version {version} published for {unit}", "{unit} 预案第 {version} 版发布"),
}

#: English field messages of forms.validate() and the engine -> Chinese, by pattern.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), zh) for p, zh in (
    (r"^this field is required$", "此项必填"),
    (r"^unknown field$", "未知字段"),
    (r"^must be a whole number$", "必须是整数"),
    (r"^must be a number$", "必须是数字"),
    (r"^must be text$", "必须是文本"),
    (r"^must be true or false$", "请选择是或否"),
    (r"^must be a list$", "必须是列表"),
    (r"^must be an object$", "必须是对象"),
    (r"^must be at least (?P<n>[\d.]+)$", "不能小于 {n}"),
    (r"^must be at most (?P<n>[\d.]+)$", "不能大于 {n}"),
    (r"^must be greater than (?P<n>[\d.]+)$", "必须大于 {n}"),
    (r"^must be less than (?P<n>[\d.]+)$", "必须小于 {n}"),
    (r"^must not be empty$", "不能为空"),
    (r"^must be at least (?P<n>\d+) characters$", "至少 {n} 个字符"),
    (r"^must be at most (?P<n>\d+) characters$", "最多 {n} 个字符"),
    (r"^must have at least (?P<n>\d+) items$", "至少 {n} 项"),
    (r"^must have at most (?P<n>\d+) items$", "最多 {n} 项"),
    (r"^must not repeat items$", "不能有重复项"),
    (r"^must be one of: (?P<v>.*)$", "必须是以下之一：{v}"),
    (r"^must be a valid date$", "请输入有效日期"),
    (r"^must be a valid (?P<v>.*)$", "格式无效（{v}）"),
    (r"^has the wrong format$", "格式不正确"),
    (r"^a list of non-empty texts$", "每行一项，不能为空"),
    (r"^at most (?P<n>\d+) characters$", "最多 {n} 个字符"),
    (r"^at most (?P<n>\d+) options$", "最多 {n} 个方案"),
    (r"^must not contain NUL characters$", "不能包含 NUL 字符"),
    (r"^departs from the plan$", "偏离预案"),
    (r"^auditors read everything and change nothing$", "审计人员只读，不能进行任何更改"),
    (r"^only the incident's (on-scene )?commander .*$", "只有本事件的现场指挥才能进行此操作"),
    (r"^task '(?P<t>.*)' belongs to the seat '(?P<r>.*)', which you do not hold$",
     "任务“{t}”属于席位 {r}，您未担任该席位"),
    (r"^only auditors and administrators .*$", "只有审计人员和管理员可以查看"),
    (r"^only an administrator .*$", "只有管理员可以进行此操作"),
    (r"^only the incident's commander, auditors and administrators .*$", "只有本事件指挥、审计人员和管理员可以查看"),
))


def lang_of(value: object) -> str:
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def t(key: str, lang: str, **values: Any) -> str:
    """The UI string `key` in `lang`; an unknown key shows itself (easy to spot, never a crash)."""
    pair = STRINGS.get(key)
    text = _pick(pair, lang) if pair else key
    return text.format(**values) if values else text


def label(kind: str, value: object, lang: str) -> str:
    """A code value (phase, level, status, …) in words; unknown values show as they are."""
    table = LABELS[kind]
    if value is None or value == "":
        return t("none", lang)
    pair = table.get(str(value))
    return _pick(pair, lang) if pair else str(value).replace("_", " ")


def schema_title(schema: Mapping[str, Any], lang: str, fallback: str = "") -> str:
    """`x-title-zh` in Chinese when present, else `title`."""
    if lang == "zh" and isinstance(schema.get("x-title-zh"), str):
        return str(schema["x-title-zh"])
    return str(schema.get("title") or fallback)


def schema_description(schema: Mapping[str, Any], lang: str) -> str:
    if lang == "zh" and isinstance(schema.get("x-description-zh"), str):
        return str(schema["x-description-zh"])
    return str(schema.get("description") or "")


def enum_label(schema: Mapping[str, Any], value: object, lang: str) -> str:
    """An enum value's label: `x-enum-labels-zh` / `x-enum-labels`, else the value itself."""
    for key in (("x-enum-labels-zh", "x-enum-labels") if lang == "zh" else ("x-enum-labels",)):
        labels = schema.get(key)
        if isinstance(labels, Mapping) and str(value) in labels:
            return str(labels[str(value)])
    return str(value)


def message(text: str, lang: str) -> str:
    """A short English validation or engine message in `lang` (unknown messages stay English)."""
    if lang != "zh" or not isinstance(text, str):
        return text
    for pattern, zh in _MESSAGES:
        found = pattern.match(text)
        if found:
            return zh.format(**found.groupdict())
    return text


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "—"


def describe_event(action: str, payload: Mapping[str, Any], lang: str,
                   titles: Mapping[str, str] | None = None) -> str:
    """One line for the timeline and the ICS-214 activity log; `titles` names tasks by element id."""
    pair = EVENT_LABELS.get(action)
    if pair is None:
        return action.replace("_", " ")
    values = _Blank({k: v for k, v in payload.items() if isinstance(v, str | int | float) and not isinstance(v, bool)})
    if titles and isinstance(payload.get("task"), str) and payload["task"] in titles:
        values["task"] = titles[payload["task"]]
    if action == "phase_changed":
        values["from"] = label("phase", payload.get("from"), lang)
        values["to"] = label("phase", payload.get("to"), lang)
    if action == "task_completed" or action == "seat_granted":
        values["role"] = label("role", payload.get("role"), lang)
    if isinstance(payload.get("reason"), str):
        values["reason"] = message(payload["reason"], lang)
    if action == "fault_tolerance_ruling":
        values["ruling"] = label("ruling", payload.get("ruling"), lang)
    if action == "timers_fired":
        names = ", ".join(str(t.get("name")) for t in payload.get("timers", []) if isinstance(t, Mapping))
        return _pick(pair, lang) + (f": {names}" if names else "")
    return _pick(pair, lang).format_map(values)
