"""The domain's words, once: response levels, event categories, lifecycle phases, statuses, seats,
and the other closed lists the engine checks — each code with its English and Chinese label.

Why here, in the leaf package: the engine validates against these lists, the API schemas and the
form schemas enumerate them, and the pages label them; `forms` is the one package all of them may
import (api → engine → forms). A list that appears anywhere else is a copy waiting to drift.
"""

from __future__ import annotations

from collections.abc import Mapping

#: code -> (English, 中文)
Labels = Mapping[str, tuple[str, str]]

#: Languages of the pages and of a user's settings.
LANGUAGES = ("en", "zh")

# --- lifecycle -------------------------------------------------------------------------------
#: The four phases in lifecycle order (the most advanced one active is the incident's phase).
PHASES = ("prevention", "response", "recovery", "learning")
CLOSED_PHASE = "closed"
PHASE_LABELS: Labels = {
    "prevention": ("Prevention", "预防"), "response": ("Response", "响应"),
    "recovery": ("Recovery", "恢复重建"), "learning": ("Learning", "总结评估"), CLOSED_PHASE: ("Closed", "已办结"),
}

# --- incidents -------------------------------------------------------------------------------
#: Severity classes 特别重大 / 重大 / 较大 / 一般 and the response level of the same number.
LEVELS = ("I", "II", "III", "IV")
LEVEL_LABELS: Labels = {
    "I": ("I particularly serious", "I 级 特别重大"), "II": ("II serious", "II 级 重大"),
    "III": ("III relatively serious", "III 级 较大"), "IV": ("IV general", "IV 级 一般"),
}
#: Below 一般: the community's to handle (at response level IV); grade_severity.dmn decides.
MINOR = "minor"
SEVERITIES = (*LEVELS, MINOR)
SEVERITY_LABELS: Labels = {
    "I": ("I particularly serious", "特别重大"), "II": ("II serious", "重大"),
    "III": ("III relatively serious", "较大"), "IV": ("IV general", "一般"), MINOR: ("Below general", "一般以下"),
}
CATEGORIES = ("natural_disaster", "accident_disaster", "public_health", "social_security")
CATEGORY_LABELS: Labels = {
    "natural_disaster": ("Natural disaster", "自然灾害"), "accident_disaster": ("Accident or disaster", "事故灾难"),
    "public_health": ("Public health event", "公共卫生事件"),
    "social_security": ("Social security event", "社会安全事件"),
}
ACTIVE, CLOSED, CANCELLED, FAILED = "active", "closed", "cancelled", "failed"
INCIDENT_STATUSES = (ACTIVE, CLOSED, CANCELLED, FAILED)
#: Ways a commander may end an incident before its process does.
END_OUTCOMES = (CANCELLED, CLOSED)

# --- tasks -----------------------------------------------------------------------------------
TASK_READY, TASK_COMPLETED, TASK_CANCELLED = "ready", "completed", "cancelled"
TASK_STATES = (TASK_READY, TASK_COMPLETED, TASK_CANCELLED)

# --- seats (席位) ------------------------------------------------------------------------------
COMMANDER = "commander"
DUTY_OFFICER = "duty_officer"
REVIEWER = "reviewer"
AUDITOR = "auditor"
LOGISTICS = "logistics"
#: Seats whose holders may report (start) incidents.
START_ROLES = frozenset({DUTY_OFFICER, COMMANDER})
SEAT_LABELS: Labels = {
    DUTY_OFFICER: ("Duty officer", "值守人员"), COMMANDER: ("On-scene commander", "现场指挥"),
    "deputy_commander": ("Deputy commander", "副总指挥"), "grid_worker": ("Grid worker", "网格员"),
    "first_responder": ("First responder", "第一响应人"),
    "hazard_inspector": ("Hazard inspector", "隐患排查员"), "fire": ("Fire and rescue", "消防救援"),
    "medical": ("Medical", "医疗救护"), "police": ("Police", "公安"), LOGISTICS: ("Logistics", "物资保障"),
    "volunteer_coordinator": ("Volunteer coordinator", "志愿者协调"),
    "recovery_officer": ("Recovery officer", "恢复重建专员"), "plan_owner": ("Plan owner", "预案负责人"),
    "plan_approver": ("Plan approver", "预案审批人"),
    REVIEWER: ("Fault-tolerance reviewer", "容错审查人"), AUDITOR: ("Auditor", "审计人员"),
    "street_commander": ("Street commander", "街道指挥"), "district_commander": ("District commander", "区级指挥"),
    "community_commander": ("Community commander", "社区指挥"), "city_commander": ("City commander", "市级指挥"),
    "province_commander": ("Province commander", "省级指挥"),
    "district_reviewer": ("Reviewer of the level above", "上级容错复核人"),
    "community_committee": ("Community party organisation / two committees", "社区党组织/两委"),
    "street_emergency_committee": ("Street emergency management committee", "街道应急管理委员会"),
    "service_station": ("Community emergency service station", "社区应急服务站"),
}
#: The tiers of governance, lowest first: a community escalates to the street, the street to the district.
#: A response is led by one of them from the community up (response_command.dmn: who leads each
#: severity); city and province lead the most serious events.
GOVERNANCE_LEVELS = ("grid", "community", "street", "district", "city", "province")
GOVERNANCE_LEVEL_LABELS: Labels = {"grid": ("Grid", "网格"), "community": ("Community", "社区"),
                                   "street": ("Street", "街道"), "district": ("District / county", "区（县）"),
                                   "city": ("City", "市"), "province": ("Province", "省")}
#: The tier each seat acts at. Rulings are made by the body above the decision's maker, and a
#: departure from the proposed ruling needs a second reviewer of the tier above the first.
SEAT_LEVELS: Mapping[str, str] = {
    "grid_worker": "grid", "first_responder": "grid", "community_commander": "community",
    "community_committee": "community",
    "service_station": "community", "street_commander": "street", "street_emergency_committee": "street",
    REVIEWER: "street", "district_commander": "district", "district_reviewer": "district",
}


#: The seat that commands for each tier leading a response (response_command.dmn's `leading_seat`).
TIER_COMMAND_SEATS: Mapping[str, str] = {
    "community": "community_commander", "street": "street_commander", "district": "district_commander",
    "city": "city_commander", "province": "province_commander"}


def command_seat_above(seat: str) -> str | None:
    """The command seat of the tier above a command seat's tier (a community escalates to the street,
    the street to the district …); None at the top, or for a seat that commands no tier."""
    tier = next((t for t, s in TIER_COMMAND_SEATS.items() if s == seat), None)
    if tier is None or tier == GOVERNANCE_LEVELS[-1]:
        return None
    return TIER_COMMAND_SEATS[GOVERNANCE_LEVELS[GOVERNANCE_LEVELS.index(tier) + 1]]


def level_above(seat: str) -> str | None:
    """The tier above a seat's tier (None at the top, or for a seat without a tier)."""
    level = SEAT_LEVELS.get(seat)
    if level is None or level == GOVERNANCE_LEVELS[-1]:
        return None
    return GOVERNANCE_LEVELS[GOVERNANCE_LEVELS.index(level) + 1]


# --- decisions and fault tolerance (容错) ------------------------------------------------------
URGENCIES = ("immediate", "urgent", "routine")
URGENCY_LABELS: Labels = {"immediate": ("Immediate", "立即"), "urgent": ("Urgent", "紧急"),
                          "routine": ("Routine", "常规")}
DECISION_KINDS = ("decision", "correction", "outcome")
#: Seats a decision may order to act (临场指挥决策权: 指挥有关部门直接行动) — departments and field seats.
ORDER_SEATS = ("deputy_commander", "fire", "medical", "police", LOGISTICS, "grid_worker", "volunteer_coordinator",
               "hazard_inspector", "recovery_officer", "service_station")
#: Where an order stands, read from its task: open (late once its due time passed), done, cancelled.
ORDER_STATUSES = ("open", "late", "done", "cancelled")
ORDER_STATUS_LABELS: Labels = {"open": ("Open", "执行中"), "late": ("Late", "已超时"), "done": ("Done", "已完成"),
                               "cancelled": ("Cancelled", "已取消")}
RULINGS = ("excused", "mitigated", "accountable")
RULING_LABELS: Labels = {"excused": ("Excused", "免责"), "mitigated": ("Mitigated", "从轻/减轻"),
                         "accountable": ("Accountable", "追责")}
CRITERIA_LABELS: Labels = {
    "three_distinctions": ("Three distinctions", "三个区分"), "experience": ("Experience", "经验"),
    "rules": ("Rules", "规定"), "interest": ("Interest", "公私"), "motive": ("Motive", "动机"),
    "procedure_followed": ("Procedure followed", "程序履行"),
    "known_at_the_time": ("Known at the time", "决策时掌握的情况"),
    "urgency": ("Urgency", "紧急程度"), "prompt_correction": ("Prompt correction and reporting", "及时纠错与报告"),
}

# --- warnings received and relayed (预警) --------------------------------------------------------
#: Graded warnings as the authorised issuer publishes them (blue lowest, red highest).
WARNING_LEVELS = ("blue", "yellow", "orange", "red")
WARNING_LEVEL_LABELS: Labels = {"blue": ("Blue", "蓝色"), "yellow": ("Yellow", "黄色"), "orange": ("Orange", "橙色"),
                                "red": ("Red", "红色")}
#: What a warning is about (CAP `event`), and the category of the incident it may become.
WARNING_EVENTS = ("rainstorm_flood", "typhoon", "geological_hazard", "earthquake", "fire", "gas_leak", "epidemic",
                  "crowd_safety", "other")
WARNING_EVENT_LABELS: Labels = {
    "rainstorm_flood": ("Rainstorm or flood", "暴雨洪涝"), "typhoon": ("Typhoon", "台风"),
    "geological_hazard": ("Landslide or subsidence", "地质灾害"), "earthquake": ("Earthquake", "地震"),
    "fire": ("Fire", "火灾"), "gas_leak": ("Gas leak", "燃气泄漏"), "epidemic": ("Epidemic", "疫情"),
    "crowd_safety": ("Crowd safety", "人员聚集安全"), "other": ("Other", "其他"),
}
WARNING_EVENT_CATEGORIES: Mapping[str, str] = {
    "rainstorm_flood": "natural_disaster", "typhoon": "natural_disaster", "geological_hazard": "natural_disaster",
    "earthquake": "natural_disaster", "fire": "accident_disaster", "gas_leak": "accident_disaster",
    "epidemic": "public_health", "crowd_safety": "social_security", "other": "accident_disaster",
}
#: How the issuer changes a warning in force.
WARNING_CHANGES = ("raise", "lower", "lift", "open_incident")
WARNING_CHANGE_LABELS: Labels = {"raise": ("Raised", "升级"), "lower": ("Lowered", "降级"), "lift": ("Lifted", "解除"),
                                 "open_incident": ("Became an incident", "转为突发事件")}
#: Seats that receive warnings from the issuer and enter their changes.
WARNING_ROLES = frozenset({DUTY_OFFICER, "community_commander"})

# --- information reports (信息报告) -------------------------------------------------------------
REPORT_KINDS = ("initial", "follow_up", "final")
REPORT_KIND_LABELS: Labels = {"initial": ("Initial report", "首报"), "follow_up": ("Follow-up report", "续报"),
                              "final": ("Final report", "终报")}
#: The form of each kind of report task: how the report register recognises them.
REPORT_FORMS = {"initial_report": "initial", "situation_report": "follow_up", "final_report": "final"}

# --- registers -------------------------------------------------------------------------------
FACILITIES = ("house", "building", "gas", "electricity", "living_facility", "vulnerable_resident")
HAZARD_GRADES = ("major", "general")
GRADE_LABELS: Labels = {"major": ("Major", "重大隐患"), "general": ("General", "一般隐患")}
HAZARD_STATUSES = ("open", "rectifying", "rectified", "escalated", "verified", "closed")
#: Hazard statuses that still need someone's attention.
OPEN_HAZARD_STATUSES = ("open", "rectifying", "rectified", "escalated")
ACTION_SOURCES = ("after_action_review", "drill")
#: Where an improvement action was found.
ACTION_SOURCE_LABELS: Labels = {"after_action_review": ("After-action review", "事后复盘"),
                                "drill": ("Drill evaluation", "演练评估")}
#: The sections of a unit's emergency plan (一点一案), each revised on its own and shown to the
#: tasks it serves; the recovery plan is prepared in advance.
PLAN_SECTIONS = ("risks", "contacts", "evacuation", "shelters", "resources", "first_response", "recovery")
PLAN_SECTION_LABELS: Labels = {
    "risks": ("Risks", "风险"), "contacts": ("Seats and contacts", "席位与联系方式"),
    "evacuation": ("Evacuation routes", "疏散路线"), "shelters": ("Shelters", "避难场所"),
    "resources": ("Resources", "应急资源"), "first_response": ("First-response actions", "先期处置措施"),
    "recovery": ("Recovery plan (prepared in advance)", "恢复重建预案"),
}
#: Which section of the plan in force a task shows: by its form where one fits, else by its phase.
FORM_PLAN_SECTIONS: Mapping[str, str] = {
    "evacuation_report": "evacuation", "sheltering_report": "shelters", "drill_plan": "first_response",
    "screening_plan": "risks", "resource_replenishment": "resources",
}
PHASE_PLAN_SECTIONS: Mapping[str, str] = {"prevention": "risks", "response": "first_response",
                                          "recovery": "recovery"}

#: The preparedness resources register: what a reserve consumes when drawn, the rest is occupied.
RESOURCE_KINDS = ("reserve", "equipment", "shelter", "fire_station", "service_station")
CONSUMED_KINDS = ("reserve",)
RESOURCE_KIND_LABELS: Labels = {
    "reserve": ("Reserve supplies", "应急物资"), "equipment": ("Equipment", "应急装备"),
    "shelter": ("Shelter", "避难场所"), "fire_station": ("Micro fire station", "微型消防站"),
    "service_station": ("Community emergency service station", "社区应急服务站"),
}
#: Days ahead of a reserve's expiry that logistics is asked to rotate it.
EXPIRY_NOTICE_DAYS = 30
#: An improvement action: open (or overdue) with its owner, submitted with evidence, done once verified.
ACTION_STATUSES = ("open", "overdue", "submitted", "done")
OPEN_ACTION_STATUSES = ("open", "overdue", "submitted")
#: What an improvement action strengthens (HSEEP's capability column, in a community's terms).
CAPABILITIES = ("risk_assessment", "hazard_screening", "planning", "early_warning", "information_reporting",
                "command", "evacuation", "rescue", "medical", "supplies", "volunteers", "communication", "recovery")
CAPABILITY_LABELS: Labels = {
    "risk_assessment": ("Risk assessment", "风险评估"), "hazard_screening": ("Hazard screening", "隐患排查"),
    "planning": ("Planning", "预案管理"), "early_warning": ("Monitoring and early warning", "监测预警"),
    "information_reporting": ("Information reporting", "信息报告"), "command": ("Command and coordination", "指挥协调"),
    "evacuation": ("Evacuation and sheltering", "疏散避险"), "rescue": ("Rescue", "抢险救援"),
    "medical": ("Medical care", "医疗救护"), "supplies": ("Supplies and equipment", "物资装备保障"),
    "volunteers": ("Volunteers and social forces", "志愿者与社会力量"),
    "communication": ("Communication", "通信保障"), "recovery": ("Recovery", "恢复重建"),
}

STATUS_LABELS: Labels = {
    ACTIVE: ("Active", "进行中"), CLOSED: ("Closed", "已办结"), CANCELLED: ("Cancelled", "已取消"),
    FAILED: ("Failed", "故障"), TASK_READY: ("Ready", "待办"), TASK_COMPLETED: ("Completed", "已完成"),
    "open": ("Open", "未整改"), "rectifying": ("Rectifying", "整改中"), "done": ("Done", "已完成"),
    "overdue": ("Overdue", "已超期"), "submitted": ("Awaiting verification", "待验证"),
}

# --- the prevention calendar ------------------------------------------------------------------
#: What a schedule starts, how it recurs, and the two kinds of drill (演练: 桌面 / 实战).
SCHEDULED_PROCESSES = ("hazard_screening", "emergency_drill", "risk_assessment")
SCHEDULE_RULES = ("monthly", "yearly")
SCHEDULE_RULE_LABELS: Labels = {"monthly": ("Every month", "每月"), "yearly": ("Every year", "每年")}
DRILL_TYPES = ("tabletop", "full_scale")
DRILL_TYPE_LABELS: Labels = {"tabletop": ("Tabletop exercise", "桌面推演"),
                             "full_scale": ("Full-scale exercise", "实战演练")}
PROCESS_LABELS: Labels = {"hazard_screening": ("Hazard screening", "隐患排查"),
                          "emergency_drill": ("Emergency drill", "应急演练"),
                          "risk_assessment": ("Community risk assessment", "社区风险评估")}

#: The volunteer and social-organisation register (the second echelon, 第二梯队).
VOLUNTEER_KINDS = ("volunteer", "organisation")
VOLUNTEER_KIND_LABELS: Labels = {"volunteer": ("Volunteer", "志愿者"),
                                 "organisation": ("Social organisation", "社会组织")}
VOLUNTEER_SKILLS = ("guidance", "first_aid", "care_for_vulnerable", "supplies", "search_rescue", "counselling")
VOLUNTEER_SKILL_LABELS: Labels = {
    "guidance": ("Guiding and keeping order", "引导疏散与秩序维护"), "first_aid": ("First aid", "急救"),
    "care_for_vulnerable": ("Care for vulnerable residents", "特殊群体照护"),
    "supplies": ("Carrying and handing out supplies", "物资搬运与发放"),
    "search_rescue": ("Search and rescue", "搜救"), "counselling": ("Psychological support", "心理疏导"),
}

#: What the response did, counted from the forms that report it (shown with the report register and
#: in the after-action report): count -> (form, field), summed over the incident's completed tasks.
RESPONSE_COUNTS: Mapping[str, tuple[str, str]] = {
    "people_moved_first": ("first_response", "people_moved"),
    "people_rescued_first": ("first_response", "people_rescued"),
    "people_evacuated": ("evacuation_report", "people_evacuated"),
    "vulnerable_residents_evacuated": ("evacuation_report", "vulnerable_residents_evacuated"),
    "people_sheltered": ("sheltering_report", "people_sheltered"),
    "volunteers_deployed": ("volunteer_work", "people"),
    "volunteer_hours": ("volunteer_work", "hours"),
    "people_helped_by_volunteers": ("volunteer_work", "people_helped"),
}
RESPONSE_COUNT_LABELS: Labels = {
    "people_moved_first": ("Moved out of danger in the first response", "先期处置转移人数"),
    "people_rescued_first": ("Rescued in the first response", "先期处置救助人数"),
    "people_evacuated": ("People evacuated", "疏散转移人数"),
    "vulnerable_residents_evacuated": ("Vulnerable residents evacuated", "转移特殊群体人数"),
    "people_sheltered": ("People sheltered", "安置人数"),
    "volunteers_deployed": ("Volunteers who came", "到场志愿者人数"),
    "volunteer_hours": ("Volunteer hours", "志愿服务时长（小时）"),
    "people_helped_by_volunteers": ("People helped by volunteers", "志愿者帮助人数"),
}

#: The closed lists a form schema may name with `"x-vocabulary": "<name>"`: codes and their labels.
ENUMS: Mapping[str, tuple[tuple[str, ...], Labels]] = {
    "level": (LEVELS, LEVEL_LABELS), "category": (CATEGORIES, CATEGORY_LABELS), "phase": (PHASES, PHASE_LABELS),
    "urgency": (URGENCIES, URGENCY_LABELS), "ruling": (RULINGS, RULING_LABELS),
    "hazard_grade": (HAZARD_GRADES, GRADE_LABELS), "resource_kind": (RESOURCE_KINDS, RESOURCE_KIND_LABELS),
    "plan_section": (PLAN_SECTIONS, PLAN_SECTION_LABELS), "capability": (CAPABILITIES, CAPABILITY_LABELS),
    "volunteer_kind": (VOLUNTEER_KINDS, VOLUNTEER_KIND_LABELS),
    "volunteer_skill": (VOLUNTEER_SKILLS, VOLUNTEER_SKILL_LABELS),
    "severity": (SEVERITIES, SEVERITY_LABELS), "tier": (GOVERNANCE_LEVELS, GOVERNANCE_LEVEL_LABELS),
    "warning_level": (WARNING_LEVELS, WARNING_LEVEL_LABELS), "warning_event": (WARNING_EVENTS, WARNING_EVENT_LABELS),
}

#: Every labelled list by the name pages use for it (`label("level", "II", lang)`).
LABELS: Mapping[str, Labels] = {
    "phase": PHASE_LABELS, "level": LEVEL_LABELS, "status": STATUS_LABELS, "category": CATEGORY_LABELS,
    "role": SEAT_LABELS, "urgency": URGENCY_LABELS, "ruling": RULING_LABELS, "grade": GRADE_LABELS,
    "criterion": CRITERIA_LABELS, "resource_kind": RESOURCE_KIND_LABELS,
    "plan_section": PLAN_SECTION_LABELS, "severity": SEVERITY_LABELS, "tier": GOVERNANCE_LEVEL_LABELS,
    "report_kind": REPORT_KIND_LABELS, "order_status": ORDER_STATUS_LABELS, "capability": CAPABILITY_LABELS,
    "schedule_rule": SCHEDULE_RULE_LABELS, "drill_type": DRILL_TYPE_LABELS, "process": PROCESS_LABELS,
    "warning_level": WARNING_LEVEL_LABELS, "warning_event": WARNING_EVENT_LABELS,
    "warning_change": WARNING_CHANGE_LABELS,
    "response_count": RESPONSE_COUNT_LABELS, "volunteer_kind": VOLUNTEER_KIND_LABELS,
    "volunteer_skill": VOLUNTEER_SKILL_LABELS, "action_source": ACTION_SOURCE_LABELS,
}
