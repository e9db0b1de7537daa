"""Health and medical data (健康医疗): the family module that registers the health recognizers.

Entity types and where they live:

* ICD10_CODE — :mod:`recognizers.health_icd` (ICD-10 with the Chinese clinical/insurance extensions);
* DIAGNOSIS and SPECIAL_DISEASE — :mod:`recognizers.health_diagnosis` (dictionary and grammar of disease
  names; HIV/AIDS and sexually transmitted diseases);
* MEDICATION — :mod:`recognizers.health_medication` (generic names, salts, dosage forms);
* LAB_RESULT — :mod:`recognizers.health_lab` (test name + value + unit; result columns);
* MEDICAL_RECORD_NO — :mod:`recognizers.health_records` (context only).

Health data are sensitive personal information only when they describe a person (PIPL Art. 28,
GB/T 35273-2020 Table B.2); the recognizers report what a column holds, and the catalogue decides
from the rest of the table.

>>> sorted({r.entity for r in (cls() for cls in VALUE_RECOGNIZERS)})
['DIAGNOSIS', 'ICD10_CODE', 'LAB_RESULT', 'MEDICAL_RECORD_NO', 'MEDICATION', 'SPECIAL_DISEASE']
"""

from __future__ import annotations

from recognizers.health_diagnosis import (
    DiagnosisRecognizer,
    SpecialDiseaseInDiagnosisColumns,
    SpecialDiseaseRecognizer,
)
from recognizers.health_icd import IcdCategoryRecognizer, IcdCodeRecognizer
from recognizers.health_lab import LabResultColumns, LabResultRecognizer
from recognizers.health_medication import MedicationProductContext, MedicationRecognizer
from recognizers.health_records import MedicalRecordNoRecognizer

VALUE_RECOGNIZERS = (
    IcdCodeRecognizer,
    IcdCategoryRecognizer,
    DiagnosisRecognizer,
    SpecialDiseaseRecognizer,
    MedicationRecognizer,
    LabResultRecognizer,
    MedicalRecordNoRecognizer,
)
TABLE_RECOGNIZERS = (SpecialDiseaseInDiagnosisColumns, LabResultColumns, MedicationProductContext)
