"""Every named element of the process library has its Chinese name (the `name_zh` convention).

The convention (README, "How it is built"): an element's `name` is its English name and a
`spiffworkflow:property name="name_zh"` in its extension properties is its Chinese name — on
pools, processes, tasks, events, gateways, subprocesses, named sequence flows, messages and
signals. Lanes are named by a seat's role key and read in words from the vocabulary (one name
per seat everywhere), so a lane's name must be a seat the vocabulary knows. Data items
(`inputDataItem` / `outputDataItem`) name variables, not things a person reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from bpmn import BUNDLE_DIR
from forms.vocabulary import SEAT_LABELS

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
VARIABLES = {"inputDataItem", "outputDataItem"}
HAN = re.compile(r"[\u4e00-\u9fff]")
MODELS = sorted(BUNDLE_DIR.glob("*.bpmn"))


def _name_zh(element: etree._Element) -> str | None:
    for prop in element.findall(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}properties/{{{SPIFF}}}property"):
        if prop.get("name") == "name_zh":
            return prop.get("value")
    return None


def _missing(path: Path) -> list[str]:
    """'tag id "name"' for each named element without a Chinese name (or a lane that is no seat)."""
    missing = []
    for element in etree.parse(str(path)).iter(f"{{{BPMN}}}*"):
        name, tag = element.get("name"), etree.QName(element).localname
        if not name or not name.strip() or tag in VARIABLES:
            continue
        if tag == "lane":
            if name not in SEAT_LABELS:
                missing.append(f'lane {element.get("id")} "{name}" (not a seat of forms/vocabulary.py)')
            continue
        zh = _name_zh(element)
        if not zh or not HAN.search(zh):
            missing.append(f'{tag} {element.get("id")} "{name}"')
    return missing


@pytest.mark.parametrize("path", MODELS, ids=[p.name for p in MODELS])
def test_every_named_element_has_a_chinese_name(path: Path) -> None:
    assert _missing(path) == []


def test_the_check_finds_an_element_without_one(tmp_path: Path) -> None:
    model = tmp_path / "m.bpmn"
    model.write_text(f"""<bpmn:definitions xmlns:bpmn="{BPMN}" xmlns:spiffworkflow="{SPIFF}">
      <bpmn:process id="p" name="P"><bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="name_zh" value="流程"/></spiffworkflow:properties></bpmn:extensionElements>
        <bpmn:laneSet><bpmn:lane id="l1" name="grid_worker"/><bpmn:lane id="l2" name="Somebody"/></bpmn:laneSet>
        <bpmn:userTask id="t" name="Check the house"/>
        <bpmn:sequenceFlow id="f" name="Yes"><bpmn:extensionElements><spiffworkflow:properties>
          <spiffworkflow:property name="name_zh" value="Yes"/></spiffworkflow:properties></bpmn:extensionElements>
        </bpmn:sequenceFlow>
      </bpmn:process></bpmn:definitions>""")
    assert _missing(model) == ['lane l2 "Somebody" (not a seat of forms/vocabulary.py)',
                               'userTask t "Check the house"', 'sequenceFlow f "Yes"']


#: Machine words a Chinese emergency office does not use, and what it says instead (docs/models.md).
MACHINE_WORDS = {"计时器": "时限", "释放": "取消认领", "学习阶段": "总结评估"}


def test_no_machine_words_in_the_chinese_texts() -> None:
    """The catalogs, the vocabulary and the models' names speak the office's language."""
    repository = Path(__file__).resolve().parents[1]
    roots = [BUNDLE_DIR, repository / "api" / "pages" / "locale", repository / "forms"]
    found = [f"{path.name}: {word} (say {instead})" for root in roots for path in sorted(root.rglob("*"))
             if path.suffix in (".po", ".py", ".json", ".bpmn") for word, instead in MACHINE_WORDS.items()
             if word in path.read_text(encoding="utf-8")]
    assert found == []
