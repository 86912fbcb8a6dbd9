"""A valid example answer for every task form: for the demo, the benchmarks, docs and tests.

Each sample passes `forms.validate(form_key, sample)` (a test checks every form has one that does).
"""

from __future__ import annotations

from typing import Any

UNIT = "Hehua Compound"

_FINDING = {"location": "Building 3, unit 2", "description": "Cracked load-bearing wall on the ground floor.",
            "grade": "general", "owner_seat": "grid_worker", "rectify_within_days": 7}
_ACTION = {"title": "Keep the fire lane of building 3 clear", "owner_seat": "plan_owner", "due_in_days": 30,
           "plan_unit": UNIT}

#: One good payload per form (the default answer of its tasks).
SAMPLES: dict[str, dict[str, Any]] = {
    # the small core model (bpmn/community_incident.bpmn, community_recovery.bpmn)
    "incident_report": {"category": "accident_disaster", "location": "Building 3, Hehua Compound",
                        "casualties": 12, "people_affected": 800, "trapped": 4, "economic_loss": 350,
                        "description": "Gas explosion in a residential building; fire on floors 4-6."},
    "escalation_report": {"summary": "Level II gas explosion, 12 casualties, 4 trapped.", "reported_to": "district"},
    "activate_response": {"confirmed_level": "II", "command_post": "Hehua Compound gate",
                          "notes": "Evacuate buildings 2-4."},
    "escalation_ack": {"action": "reinforce", "note": "Second engine company dispatched."},
    "after_action_review": {"what_was_planned": "Fire team on scene in 15 minutes.",
                            "what_happened": "Blocked fire lane delayed the first engine by 20 minutes.",
                            "why": "Parked cars in the compound's fire lane.",
                            "what_to_change": "Monthly fire-lane inspections by grid workers.",
                            "lessons": ["Keep fire lanes clear", "Pre-assign a second engine company"]},
    "message_change_level": {"level": "II", "reason": "Gas reached building 4; more residents exposed."},
    # the process library
    "incident_full_report": {
        "category": "accident_disaster", "unit": UNIT, "location": "Building 3",
        "casualties": 0, "people_affected": 40, "trapped": 0, "economic_loss": 5,
        "hazards_present": ["gas_leak"], "description": "Gas smell in the stairwell of building 3.",
    },
    "commander_appointment": {"commander_username": "li.community", "note": "On duty at the service station."},
    "response_activation": {"command_post": "Hehua Compound gate", "objectives": "Stop the leak; keep people out.",
                            "evacuation_ordered": False, "notes": "Volunteers on standby."},
    "deadline_escalation": {"action": "reinforce", "note": "Second team from the street station."},
    "department_report": {"status": "done", "actions_taken": "Leak closed at the riser valve.",
                          "resources_used": "1 engine", "people_rescued": 0},
    "volunteer_report": {"volunteers_mobilised": 12, "assignments": ["guidance", "vulnerable_residents"],
                         "status": "done", "notes": "Two teams of six."},
    "evacuation_report": {"households_checked": 64, "people_evacuated": 150, "vulnerable_residents_evacuated": 9,
                          "remaining_in_area": 0, "notes": "Three bedridden residents carried out."},
    "sheltering_report": {"shelters_opened": 1, "people_sheltered": 120, "supplies_sufficient": True,
                          "needs": "Blankets for the night."},
    "situation_report": {"status_summary": "Leak contained; buildings 2-4 evacuated.", "deaths_so_far": 0,
                         "injured_so_far": 1, "missing_so_far": 0, "resources_committed": "1 engine, 12 volunteers",
                         "threats": "Gas pocket in the basement.", "planned_actions": "Ventilate, then re-enter.",
                         "next_report_due_hours": 2},
    "damage_statistics": {"houses_damaged": 3, "direct_loss": 12.5, "people_resettled": 10},
    "verification": {"verified": True, "comment": "Checked door to door."},
    "task_confirmation": {"done": True, "comment": "Done as the model says."},
    "loss_assessment": {"direct_loss": 12.5, "indirect_loss": 3, "infrastructure_damage": "Riser pipe replaced.",
                        "households_needing_aid": 4},
    "relief_distribution": {"households_served": 4, "relief_cost": 1.2},
    "requisition_compensation": {"items_requisitioned": 2, "owners_compensated": 2, "compensation_amount": 0.6,
                                 "basis": "Market rent of the two vans for one day.", "disputes_open": 0},
    "reconstruction_plan": {"summary": "Replace the riser and repair the stairwell.", "projects": [
        {"project": "Replace the gas riser of building 3", "owner_seat": "logistics", "due_date": "2026-06-30",
         "budget": 8}]},
    "incident_review": {
        "what_was_planned": "Close the riser valve within 15 minutes.", "what_happened": "It took 40 minutes.",
        "why": "The valve room key was not at the service station.",
        "what_to_change": "Keep a key at the station; list it in the plan.",
        "lessons": ["Check the keys monthly"], "improvement_actions": [],
    },
    "review_report": {"summary": "Response adequate; one gap in access to the valve room.",
                      "reported_to": "street", "shared_with_units": True},
    "maker_statement": {"wishes_to_comment": True, "statement": "Every minute counted: four people were trapped.",
                        "correction_and_reporting": "Reported to the street within the hour."},
    "fault_tolerance_ruling": {
        "distinction_experience": "inexperience_while_pioneering", "distinction_rules": "not_expressly_forbidden",
        "distinction_interest": "public_interest", "motive": "good_faith", "procedure_followed": "partly_followed",
        "known_at_the_time": "Four residents trapped; the fire lane was blocked.", "urgency": "immediate",
        "prompt_correction": "corrected_and_reported", "ruling": "excused",
        "reasoning": "A good-faith decision under pressure, reported at once.",
    },
    "ruling_concurrence": {"concurs": True, "comments": "The reasons hold: the rule broken was a formality."},
    "accountability_referral": {"referred_to": "discipline_inspection",
                                "summary": "Towed residents' cars for a private contractor's fee.",
                                "case_reference": "JW-2026-031"},
    "name_clearing_notice": {"notice": "The towing order was lawful and in good faith; the complaint is unfounded.",
                             "published_to": "Hehua Compound residents' group and the street office"},
    "resource_replenishment": {"quantity_added": 200, "released": 0, "new_expiry_date": "2027-06-30",
                               "note": "Rotated: the old stock went to the food bank."},
    "screening_plan": {"scope": "All 12 buildings, the boiler room and the market stalls.",
                       "old_compounds_included": True, "vulnerable_households_listed": 23},
    "house_screening": {"houses_checked": 480, "buildings_checked": 12,
                        "house_findings": [dict(_FINDING, facility="building")]},
    "utility_screening": {"gas_points_checked": 96, "electrical_points_checked": 140, "utility_findings": []},
    "living_facility_screening": {"facilities_checked": 8, "facility_findings": []},
    "vulnerable_resident_visits": {"elderly_living_alone_visited": 17, "disabled_residents_visited": 6,
                                   "vulnerable_findings": []},
    "major_hazard_report": {"reported_to": "street", "interim_measures": "Cordon and daily checks.",
                            "summary": "Major structural hazard in building 3."},
    "hazard_rectification": {"measures_taken": "Wall braced and repaired by the property company.", "cost": 2.5},
    "hazard_verification": {"rectification_accepted": True, "verification_note": "Repair checked on site."},
    "hazard_escalation": {"action": "supervise_on_site", "note": "Listed for supervision by the street."},
    "warning_report": {"source": "forecast", "hazard_type": "rainstorm_flood", "area": "Low-lying blocks 1-4",
                       "observations": "Red rainstorm forecast: 120 mm in 6 hours.", "expected_onset_hours": 6},
    "warning_assessment": {"likelihood": "high", "expected_impact": "severe", "people_exposed": 800,
                           "proposed_level": "orange", "rationale": "Basements flooded twice in the last five years."},
    "warning_publication": {"warning_level": "orange", "message": "Heavy rain tonight: leave basements by 18:00.",
                            "channels": ["sms", "wechat_groups", "door_to_door"], "fast_track": True},
    "prepositioning_report": {"actions_completed": ["Sandbags at the garage ramps", "Pumps at building 2"],
                              "shortfalls": "One pump short.", "ready": True},
    "warning_outreach": {"households_notified": 310, "vulnerable_residents_contacted": 23, "unreachable": 1,
                         "notes": "One resident away; neighbour informed."},
    "warning_outcome": {"outcome": "lift", "reason": "The rain passed north of the compound."},
    "drill_plan": {"scenario": "Gas leak in building 3 at night.", "scenario_category": "accident_disaster",
                   "objectives": ["Close the riser within 15 minutes", "Evacuate building 3 within 20 minutes"],
                   "participants_expected": 60},
    "drill_evaluation": {"objectives_met": "most", "what_worked": "Evacuation was calm and fast.",
                         "gaps": "Nobody had the valve room key.", "drill_improvement_actions": [_ACTION]},
    "plan_draft": {"summary": "Gas leak plan of Hehua Compound", "content": "1. Duty officer calls the gas company...",
                   "change_note": "Valve room key kept at the service station."},
    "plan_approval": {"approved": True, "comments": "Clear and short."},
}

