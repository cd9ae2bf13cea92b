"""Every sentence govsim prints or draws, as a template in English and in Chinese.

Core objects: ``MESSAGES`` (key -> (English, Chinese) template, ``str.format`` style),
``say`` (a template filled in, in the language in force) and ``plural`` (an English
noun counted: "1 replicate", "3 replicates"; Chinese nouns have no plural).

A template names its values (``{file}``, ``{value}``), so a translation may put them
in another order; a message keeps every value in both languages (an error still names
the file, line, field, value and what is allowed). Names of metrics, objectives and
keys are not here: they are the names table's (``govsim.text.names``).
"""

from __future__ import annotations

from typing import Any

from govsim.text.language import language

__all__ = ["MESSAGES", "counted", "plural", "replicates", "say"]

MESSAGES: dict[str, tuple[str, str]] = {
    # ---- the command line
    "cli.error": ("error", "错误"),
    "cli.terminated": (
        "terminated (SIGTERM); nothing was marked complete.",
        "已终止（SIGTERM）；没有任何结果被标记为完成。",
    ),
    "cli.interrupted": (
        "interrupted; nothing was marked complete.",
        "已中断；没有任何结果被标记为完成。",
    ),
    "cli.internal": (
        "internal error: {kind}: {error}. Set GOVSIM_DEBUG=1 to see the traceback.",
        "内部错误：{kind}：{error}。设置 GOVSIM_DEBUG=1 可查看调用栈。",
    ),
    # ---- what figures and tables share
    "illustrative": ("illustrative defaults, not calibrated", "示意性默认值，未经校准"),
    "week": ("week", "周"),
    "mean": ("mean", "均值"),
    "ci95": ("95% CI", "95% 置信区间"),
    "n_replicates": ("{n:,} replicates", "{n:,} 次重复"),
    "one_replicate": ("1 replicate", "1 次重复"),
    "none": ("none", "无"),
    # ---- a scenario that cannot be used (model/scenario/errors.py)
    "error.invalid": ("invalid scenario", "场景无效"),
    "error.invalid_many": ("invalid scenario ({count} problems)", "场景无效（{count} 处问题）"),
    "error.paragraph": ("{head}: {problems}.", "{head}：{problems}。"),
    "error.separator": ("; ", "；"),
    "error.problem": ("{where} = {value}: {text}", "{where} = {value}：{text}"),
    "error.problem_key": ("{where}: {text}", "{where}：{text}"),
    "error.named": ("{name}, {where}", "{name}，{where}"),
    "error.field": ("field '{path}'{origin}", "字段 '{path}'{origin}"),
    "error.origin": (" ({what})", "（{what}）"),
    "error.line": ("line {line}", "第 {line} 行"),
    "error.unknown_key": ("unknown key{hint}", "未知的键{hint}"),
    "error.see_schema": (" (see govsim schema)", "（见 govsim schema）"),
    "error.did_you_mean": (" (did you mean '{key}'?)", "（是否想写 '{key}'？）"),
    "error.allowed_keys": ("; allowed keys here: {keys}", "；此处允许的键：{keys}"),
    "error.section": (
        "'{path}' is a section, not a value: set its keys ({path}.KEY), one of {keys}",
        "'{path}' 是配置节，不是取值：请设置其下的键（{path}.KEY），可选 {keys}",
    ),
    "error.allowed": ("{message}; allowed: {allowed}", "{message}；允许：{allowed}"),
    "error.set_at": (" (set at: {where})", "（设置位置：{where}）"),
    "error.yaml11_boolean": (
        " ('{value}' is text: govsim reads YAML 1.2, where only true and false are booleans)",
        "（'{value}' 是文本：govsim 按 YAML 1.2 读取，只有 true 和 false 是布尔值）",
    ),
    "error.yaml11_number": (
        " ('{value}' is text: govsim reads YAML 1.2, where numbers are written in decimal, "
        "e.g. 16 or 0.5, without ':' or '_')",
        "（'{value}' 是文本：govsim 按 YAML 1.2 读取，"
        "数字须写成十进制，如 16 或 0.5，不含 ':' 或 '_'）",
    ),
    # ---- what a scenario field allows (model/scenario/allowed.py)
    "allowed.range": ("{low} to {high}", "{low} 至 {high}"),
    "allowed.characters": ("{low} to {high} characters", "{low} 至 {high} 个字符"),
    "allowed.any": ("any", "任意"),
    "allowed.matching": ("matching `{pattern}`", "符合 `{pattern}`"),
    "allowed.name_pattern": (
        "letters or digits of any script, '_', '.' or '-', not starting with '.'",
        "任意文字的字母或数字（含中文）、'_'、'.' 或 '-'，不以 '.' 开头",
    ),
    "allowed.comma": (", ", "，"),
    "allowed.list": (", ", "、"),
    "allowed.one_of": ("one of {choices}", "以下之一：{choices}"),
    "allowed.or_null": (", or null", "，或 null"),
    "allowed.or": (" or ", " 或 "),
    "allowed.list_of": ("list of {item}", "列表，每项为{item}"),
    "allowed.bool": ("true/false", "true/false（是/否）"),
    "allowed.int": ("integer", "整数"),
    "allowed.float": ("number", "数值"),
    "allowed.str": ("text", "文本"),
    # ---- govsim check
    "check.ok": ("ok: {file}: {what}", "通过：{file}：{what}"),
    "check.scenario": (
        "'{name}', {weeks} weeks, {replicates}, {residents:,} residents; innovations on: {on}",
        "“{name}”，{weeks} 周，{replicates}，{residents:,} 户居民；启用的创新：{on}",
    ),
    # ---- govsim run
    "run.start": (
        "{name}: {replicates} x {weeks} weeks, {residents:,} residents -> {folder}",
        "{name}：{replicates} × {weeks} 周，{residents:,} 户居民 -> {folder}",
    ),
    "run.until_ci": (
        "replicates until the 95% CI half-width of {metrics} is at most {width:g} (cap {cap})",
        "重复运行直至 {metrics} 的 95% 置信区间半宽不超过 {width:g}（上限 {cap} 次）",
    ),
    "run.took": ("took {replicates}: {reason}", "共运行 {replicates}：{reason}"),
    "run.summary": (
        "{name}: week {week}, mean and 95% CI over {replicates} ({illustrative})",
        "{name}：第 {week} 周，{replicates}的均值与 95% 置信区间（{illustrative}）",
    ),
    "run.objective": ("objective: {name}", "目标：{name}"),
    "run.settled": (
        "settled: no main metric drifts over the last {weeks} weeks",
        "已稳定：最后 {weeks} 周内没有主要指标出现漂移",
    ),
    "run.trending": (
        "still trending over the last {weeks} weeks ({metrics}): the summary describes a "
        "transient; lengthen the warm-up (warmup) or read it as such",
        "最后 {weeks} 周内仍有趋势（{metrics}）：摘要描述的是过渡状态；请延长预热期（warmup），"
        "或按过渡状态解读",
    ),
    "run.one_replicate": ("(1 replicate)", "（仅 1 次重复）"),
    "run.written": (
        "written: {folder}/ (manifest.json, timeseries.parquet, summary.csv, scorecard.csv, "
        "observables.csv, figures/)",
        "已写入：{folder}/（manifest.json、timeseries.parquet、summary.csv、scorecard.csv、"
        "observables.csv、figures/）",
    ),
    # ---- govsim compare
    "compare.written": (
        "written: {folder}/ (comparison.csv, figures/, comparison.json)",
        "已写入：{folder}/（comparison.csv、figures/、comparison.json）",
    ),
    # ---- the dashboard (govsim viz)
    "dash.title": ("govsim: {name}", "govsim：{name}"),
    "dash.about": ("About this run", "本次运行"),
    "dash.controls": ("Controls", "控制"),
    "dash.parameters": ("Model parameters", "模型参数"),
    "dash.information": ("Information", "信息"),
    "dash.time": ("Time: {week}", "时间：第 {week} 周"),
    "dash.reset": ("Reset", "重置"),
    "dash.step": ("Step", "单步"),
    "dash.play_interval": ("Play interval (ms)", "播放间隔（毫秒）"),
    "dash.render_interval": ("Render interval (weeks)", "绘制间隔（周）"),
    "dash.seed": ("Seed", "随机种子"),
    "dash.error": ("error in a step: {error}", "运行出错：{error}"),
    "dash.scenario": (
        "Scenario: {name} ({source}); seed {seed}.",
        "场景：{name}（{source}）；随机种子 {seed}。",
    ),
    "dash.default_source": ("built-in default", "内置默认"),
    "dash.size": (
        "{households:,} households, {units}, {communities}.",
        "{households:,} 户居民，{units}，{communities}。",
    ),
    "count.unit": ("{n:,} units", "{n:,} 个共建单位"),
    "count.unit.one": ("1 unit", "1 个共建单位"),
    "count.community": ("{n:,} communities", "{n:,} 个社区"),
    "count.community.one": ("1 community", "1 个社区"),
    "dash.on": ("Innovations on: {on}.", "启用的创新：{on}。"),
    "dash.levers": ("Levers in this run: {levers}.", "本次运行的参数：{levers}。"),
    "dash.how": (
        "Change switches, sliders or the seed, then press Reset to apply them. One step is "
        "one week. Defaults are illustrative, not calibrated.",
        "调整开关、滑块或随机种子后，按“重置”生效。每步为一周。默认值仅为示意，未经校准。",
    ),
    "dash.one_replicate": (
        "This is one replicate: for the spread over replications use govsim run and "
        "govsim compare.",
        "这是单次重复运行：多次重复的离散程度请用 govsim run 和 govsim compare 查看。",
    ),
    "dash.bad_seed": (
        "Seed '{raw}' is not a whole number from 0 to 2^63-1; using the scenario's seed "
        "{fallback}.",
        "随机种子 '{raw}' 不是 0 至 2^63-1 之间的整数；改用场景的随机种子 {fallback}。",
    ),
    "dash.bad_levers": (
        "Could not apply the sidebar values ({error}); using the file's.",
        "无法应用侧边栏的取值（{error}）；改用场景文件的取值。",
    ),
    "dash.scorecard_title": (
        "Five-objectives scorecard, week {week}",
        "五个目标得分，第 {week} 周",
    ),
    "dash.score": ("score (0..1; illustrative, not calibrated)", "得分（0–1；示意性，未经校准）"),
    "dash.plot.participation": ("Participation", "居民参与"),
    "dash.plot.cohesion": ("Cohesion", "凝聚力"),
    "dash.plot.satisfaction": ("Satisfaction", "满意度"),
    "dash.plot.issues": ("Issues", "社区事务"),
    "dash.network_title": ("Community network, week {week}", "社区关系网络，第 {week} 周"),
    "dash.all_shown": ("All {total:,} residents shown.", "显示全部 {total:,} 户居民。"),
    "dash.sample_shown": (
        "Showing a seeded sample of {shown:,} of {total:,} residents, in whole blocks, from "
        "{drawn:,} of {communities}, to keep the picture under {most:,} nodes.",
        "按随机种子抽样显示 {total:,} 户居民中的 {shown:,} 户（整栋抽取），来自 "
        "{communities}中的 {drawn:,} 个，使图中节点不超过 {most:,} 个。",
    ),
    "dash.core": ("Party organisation (core)", "社区党组织（核心）"),
    "dash.in_committee": ("Unit in joint committee", "大党委成员单位"),
    "dash.committee_tie": ("Committee tie to the core", "成员单位与党组织的联系"),
    "dash.taking_part": ("Resident taking part now", "本周参与的居民户"),
    "dash.took_part": ("Resident took part recently", "近期参与过的居民户"),
    "dash.not_recently": ("Resident not recently", "近期未参与的居民户"),
    "dash.tie": ("Tie (darker: stronger)", "关系（颜色越深越强）"),
    # ---- a run's figures
    "run.spread": ("mean and 95% CI over {replicates}", "{replicates}的均值与 95% 置信区间"),
    "run.single": ("1 replicate: no confidence band", "仅 1 次重复：无置信带"),
    "run.title": ("{names}: {spread} ({illustrative})", "{names}：{spread}（{illustrative}）"),
    "network.title": (
        "{title}: {what}, {ties:,} ties",
        "{title}：{what}，{ties:,} 条关系",
    ),
    "network.first_week": ("{name}, week 0 of replicate 0", "{name}，第 0 次重复的第 0 周"),
    "network.default_title": ("Community network", "社区关系网络"),
    "network.all": ("all {total:,} nodes", "全部 {total:,} 个节点"),
    "network.sample": (
        "sample of {shown:,} of {total:,} nodes (whole blocks)",
        "抽样显示 {total:,} 个节点中的 {shown:,} 个（整栋抽取）",
    ),
    # ---- a comparison's figures
    "compare.series_title": (
        "Mean per week and 95% CI over replicates ({illustrative})",
        "各周均值与重复间 95% 置信区间（{illustrative}）",
    ),
    "compare.last_weeks": (
        "mean of the last {last} weeks per replicate",
        "每次重复最后 {last} 周的均值",
    ),
    "compare.final_week": ("final week per replicate", "每次重复的最后一周"),
    "compare.distributions_title": (
        "Replicates ({what}); bars: mean and 95% CI ({illustrative})",
        "各次重复（{what}）；横条：均值与 95% 置信区间（{illustrative}）",
    ),
    "compare.scorecard_title": (
        "Five objectives (0..1): mean and 95% CI over {counts} replicates ({illustrative})",
        "五个目标（0–1）：{counts} 次重复的均值与 95% 置信区间（{illustrative}）",
    ),
    "compare.score": ("score, 0..1", "得分（0–1）"),
    "compare.hedges_g": ("Hedges' g", "Hedges' g 效应量"),
    "compare.effects_title": (
        "Effect against {baseline}: Hedges' g and 95% CI; filled = told apart after "
        "correction ({illustrative})",
        "相对 {baseline} 的效应：Hedges' g 与 95% 置信区间；实心 = 校正后差异显著"
        "（{illustrative}）",
    ),
    "compare.g_clipped": ("Hedges' g (clipped at ±{limit:g})", "Hedges' g（截断于 ±{limit:g}）"),
    "compare.heatmap_title": (
        "Difference to {baseline} ({window}); * told apart after correction\n({illustrative})",
        "与 {baseline} 的差值（{window}）；* 校正后差异显著\n（{illustrative}）",
    ),
    # ---- a sweep's figures
    "sweep.title": (
        "Mean over {replicates} replicates ({what}) and ± 95% CI half-width ({illustrative})",
        "{replicates} 次重复的均值（{what}）与 ± 95% 置信区间半宽（{illustrative}）",
    ),
    "sweep.final_week": ("final week", "最后一周"),
    "sensitivity.title": (
        "{title}\n{method} sensitivity of the replicate mean at the final step ({illustrative})",
        "{title}\n最后一周重复均值的 {method} 敏感性（{illustrative}）",
    ),
    "sensitivity.s1": ("S1 (first order)", "S1（一阶）"),
    "sensitivity.st": ("ST (total)", "ST（总效应）"),
    "sensitivity.index": ("index (bars: 95% bootstrap interval)", "指数（误差线：95% 自助法区间）"),
    "sensitivity.mu_star": (
        "mu* (mean |effect| across the parameter's range)",
        "mu*（参数取值范围内 |效应| 的均值）",
    ),
    "sensitivity.sigma": ("sigma (spread of the effect)", "sigma（效应的离散程度）"),
    "sensitivity.none": ("no indices", "无敏感性指数"),
    # ---- the docking figures
    "docking.pgg_title": (
        "Public goods game on graphs: govsim vs Santos, Santos & Pacheco (2008)",
        "网络上的公共物品博弈：govsim 与 Santos、Santos & Pacheco（2008）对照",
    ),
    "docking.eta": ("eta = r / (z + 1)", "eta = r / (z + 1)"),
    "docking.cooperators": ("share of cooperators", "合作者比例"),
    "docking.regular_none": ("Santos 2008: regular, none", "Santos 2008：规则网络，无合作"),
    "docking.scale_free_wins": (
        "Santos 2008: scale-free per individual wins (>= 0.5) somewhere here",
        "Santos 2008：无标度网络（按个体计成本）在此区间某处胜出（>= 0.5）",
    ),
    "docking.deffuant_title": (
        "Bounded confidence: govsim vs Deffuant et al. (2000)",
        "有限信任模型：govsim 与 Deffuant 等（2000）对照",
    ),
    "docking.deffuant_meetings_title": (
        "Bounded confidence in a deliberation meeting: govsim vs Deffuant et al. (2000)",
        "协商议事会中的有限信任：govsim 与 Deffuant 等（2000）对照",
    ),
    "docking.clusters_attendees": (
        "opinion clusters (>= 2% of attendees)",
        "意见群体数（≥ 2% 参会者）",
    ),
    "factorial.shapley_label": ("{rule}: Shapley value", "{rule}：Shapley 值"),
    "factorial.alone": ("alone (one at a time)", "单独实施（逐一）"),
    "factorial.effect": ("effect on the outcome", "对结果的效应"),
    "factorial.shapley_title": (
        "Shapley values of the five innovations (bars: 95% bootstrap intervals; {caveat})",
        "五项创新的 Shapley 值（误差线：95% 自助法区间；{caveat}）",
    ),
    "factorial.none_matters": ("no interaction matters", "没有显著的交互作用"),
    "factorial.dividend": ("interaction (dividend)", "交互作用（Harsanyi 红利）"),
    "factorial.interaction_title": (
        "Interactions of the innovations that matter ({legend}; faded: not under that rule)",
        "显著的创新交互作用（{legend}；浅色：该规则下不显著）",
    ),
    "docking.band": ("acceptance band", "接受区间"),
    "docking.deffuant_rule": ("Deffuant 2000: floor(1/(2d))", "Deffuant 2000：floor(1/(2d))"),
    "docking.govsim_mean": ("govsim (mean; dots: replicates)", "govsim（均值；点：各次重复）"),
    "docking.confidence": ("confidence bound d", "置信界限 d"),
    "docking.clusters": ("opinion clusters (>= 2% of residents)", "意见群体数（≥ 2% 居民）"),
    "docking.cascade_title": (
        "Threshold cascade: govsim vs Granovetter (1978)",
        "阈值级联：govsim 与 Granovetter（1978）对照",
    ),
    "docking.govsim_case": ("govsim: {case}", "govsim：{case}"),
    "docking.granovetter": ("Granovetter 1978 (exact)", "Granovetter 1978（精确值）"),
    "docking.taking_part": ("residents taking part", "参与的居民户"),
}


def say(key: str, /, **values: Any) -> str:
    """The template ``key`` in the language in force, filled in with ``values``."""
    english, chinese = MESSAGES[key]
    return (chinese if language() == "zh" else english).format(**values)


def replicates(count: int) -> str:
    """A count of replicates: "1 replicate", "3 replicates", "3 次重复"."""
    return say("one_replicate") if count == 1 else say("n_replicates", n=count)


def counted(count: int, noun: str) -> str:
    """A count of ``noun`` ("unit", "community") by the templates ``count.<noun>``."""
    return say(f"count.{noun}.one") if count == 1 else say(f"count.{noun}", n=count)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` and an English noun, singular or plural ("1 replicate", "3 replicates")."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"
