"""Privacy models for one release, all computed from one frequency table.

``assess`` runs everything; the submodules expose each model on its own:

* ``_freq``: the frequency table (GROUP BY QIs and sensitive attributes -> count), mergeable;
* ``kanon``: k-anonymity, (alpha, k)-anonymity;
* ``diversity``: distinct, entropy and recursive (c, l)-diversity;
* ``closeness``: t-closeness (ordered, nominal, hierarchical EMD);
* ``disclosure``: delta-disclosure, basic and enhanced beta-likeness;
* ``risk``: sample uniques, prosecutor / journalist / marketer risk;
* ``population``: population uniqueness (Zayatz, Pitman, SNB, Dankar);
* ``msu``: minimal sample uniques, SUDA scores, distinction and separation per QI subset;
* ``unicity``: person-level k and unicity of traces;
* ``inference``: how well the QIs predict sensitive attributes;
* ``aggregate``: count-table detection and the small-cell rule;
* ``policy``: the thresholds.
"""
from ._freq import FrequencyTable, frequency_table, merge_tables
from .aggregate import SmallCellsResult, detect_count_column, small_cells
from .assessment import Assessment, PolicyCheck, assess
from .policy import ModelPolicy

__all__ = [
    "Assessment",
    "FrequencyTable",
    "ModelPolicy",
    "PolicyCheck",
    "SmallCellsResult",
    "assess",
    "detect_count_column",
    "frequency_table",
    "merge_tables",
    "small_cells",
]
