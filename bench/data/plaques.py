"""Plaques (signage app) under the province's standard."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.db import transaction

from bench import pgload
from bench.data.common import Item, _aware, _words


class PlaquesMixin:
    def write_signage(self) -> None:
        """~10 signs per community (signage app): the named ones, some an active item backs,
        about a third beyond the standard, and a clean-up that took some down this year.
        Verdicts are written as the signage services would store them under the province's
        standard (named signs, backing by an active item; counts stay within the maxima)."""
        spec, rng, today = self.spec, self.rng, self.today
        if not spec.plaques_per_community or not apps.is_installed("signage"):
            return
        try:
            plaque = apps.get_model("signage", "Plaque")
            standard = apps.get_model("signage", "PlaqueStandard")
        except LookupError:
            self.progress("signage: no plaque model; skipped")
            return
        province = self.areas[0]
        named = ["中国共产党", "居民委员会", "村民委员会", "党群服务中心"]
        covering: dict[int, list[Item]] = {}
        for item in self.items:
            if item.number and item.status == "active":
                for area in item.scope:
                    covering.setdefault(area.id, []).append(item)
        year_start = datetime.date(today.year, 1, 1)
        fields = _words(
            "community issuer text kind placement location installed_on work_item status "
            "within_standard why removed_on removal_reason created_by created_at updated_at "
            "photo thumbnail removal_photo removal_thumbnail"
        )
        excess_texts = [
            ("新时代文明实践站", "organisation", "exterior"),
            ("平安建设示范点", "publicity", "exterior"),
            ("居民议事规则", "rules", "interior"),
            ("网格员工作职责", "rules", "interior"),
            ("禁毒宣传教育阵地", "publicity", "exterior"),
            ("妇女之家", "function_room", "interior"),
        ]
        backed_texts = ["统计调查工作站", "老年人日间照料中心", "退役军人服务站", "综治中心"]

        def rows():
            for community in self.communities:
                committee = "村民委员会" if community.level == "village" else "居民委员会"
                items = []
                area = community.parent
                while area is not None:
                    items.extend(covering.get(area.id, ()))
                    area = area.parent
                signs = [
                    (f"中国共产党{community.name}委员会", "organisation", "exterior", None, True),
                    (f"{community.name}{committee}", "organisation", "exterior", None, True),
                    (f"{community.name}党群服务中心", "organisation", "exterior", None, True),
                ]
                for text in rng.sample(backed_texts, k=min(len(items) and 3, 3)):
                    signs.append((text, "function_room", "interior", rng.choice(items), True))
                while len(signs) < spec.plaques_per_community:
                    text, kind, placement = rng.choice(excess_texts)
                    signs.append((text, kind, placement, None, False))
                cleaned = rng.random() < 0.25  # a quarter of communities ran the clean-up
                for text, kind, placement, item, within in signs:
                    installed = today - datetime.timedelta(days=rng.randint(400, 4_000))
                    removed = None
                    if not within and cleaned and rng.random() < 0.8:
                        removed = year_start + datetime.timedelta(
                            days=rng.randint(0, max(0, (today - year_start).days))
                        )
                    why = (
                        "" if within else ("kind_not_allowed" if kind == "rules" else "not_backed")
                    )
                    stamp = _aware(installed, 10 * 3600)
                    yield (
                        community.id,
                        None,
                        text,
                        kind,
                        placement,
                        "",
                        installed,
                        item.id if item else None,
                        "removed" if removed else "up",
                        within,
                        why,
                        removed,
                        "挂牌清理" if removed else "",
                        self.cadre_user[community.id],
                        stamp,
                        stamp,
                        "",
                        "",
                        "",
                        "",
                    )

        with transaction.atomic():  # a savepoint: a changed schema skips, not fails, the run
            try:
                standard.objects.create(
                    area_id=province.id,
                    named_signs=named,
                    max_exterior=4,
                    max_interior=6,
                    kinds_not_allowed=["rules"],
                    effective_from=today - datetime.timedelta(days=365),
                    created_by_id=self.reviewer_id,
                )
                with pgload.secondary_indexes_dropped([plaque], self.progress):
                    self.counts["plaques"] = pgload.copy_rows(plaque, fields, rows())
            except Exception as exc:  # another helper's schema may differ
                transaction.set_rollback(True)
                self.progress(f"signage: skipped ({type(exc).__name__}: {exc})")
                return
        self.progress(f"plaques: {self.counts['plaques']}")
