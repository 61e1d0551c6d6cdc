"""Hand repairs where the parsed notice cannot be paired up by rule.

Each repair re-arranges the notice's own words (cleaning checks that every condition,
case and remedy line occurs in the source, spacing and punctuation aside); ``notes`` are
ours and say what was done or what is missing. Every key here is listed in
``fixtures/standards/CLEANING.md``.

Keys are (item id, condition number); "N+k" is the k-th continuation row of condition N
(a source row that starts with "-", "<…>" or "②" instead of a number).
"""

from __future__ import annotations

from typing import NamedTuple

Case = tuple[str, tuple[str, ...]]  # (when, remedy lines)


class CaseRepair(NamedTuple):
    reason: str
    # (no, condition, cases) for each dispute the source row holds
    disputes: tuple[tuple[str, str, tuple[Case, ...]], ...]
    notes: tuple[str, ...] = ()


CASE_REPAIRS: dict[tuple[str, str], CaseRepair] = {
    ("car", "1"): CaseRepair(
        "six cases, four remedy groups: the three 12-month cases share one cell",
        (
            (
                "1",
                "정상적인 사용상태에서 발생한 성능·기능상의 하자",
                (
                    (
                        "품질보증기간 이내의 경우 / 재질이나 제조상의 결함으로 고장 발생 시",
                        (
                            "일차적으로 부품교환을 원칙으로 하되 결함잔존시 관련 기능장치 "
                            "교환(예： 원동기, 동력전달장치 등)",
                        ),
                    ),
                    (
                        "품질보증기간 이내의 경우 / 차량인도일로부터 1개월 이내에 주행 및 안전도 "
                        "등과 관련한 중대한 결함이 2회 이상 발생하였을 경우",
                        ("차량교환 또는 필수제비용을 포함한 구입가 환급",),
                    ),
                    (
                        "품질보증기간 이내의 경우 / 차량 인도일로부터 12개월 이내 / 동일하자에 "
                        "대해 3회까지 수리하였으나 재발하였을 경우",
                        ("차량교환 또는 필수제비용을 포함한 구입가 환급",),
                    ),
                    (
                        "품질보증기간 이내의 경우 / 차량 인도일로부터 12개월 이내 / 주행 및 "
                        "안전도 등과 관련한 중대한 결함이 발생하여 동일 하자에 대해 2회까지 "
                        "수리하였으나 재발하였을 경우",
                        ("차량교환 또는 필수제비용을 포함한 구입가 환급",),
                    ),
                    (
                        "품질보증기간 이내의 경우 / 차량 인도일로부터 12개월 이내 / 하자에 대한 "
                        "수리기간이 누계 30일(작업일 수 기준)을 초과할 경우",
                        ("차량교환 또는 필수제비용을 포함한 구입가 환급",),
                    ),
                    (
                        "품질보증기간 경과 후 / 수리 불가능시",
                        ("정액 감가상각한 금액에 10%를 가산하여 환급",),
                    ),
                ),
            ),
        ),
        (
            "12개월 이내의 세 경우는 원문 표에서 해결기준 한 칸을 함께 쓰는 것으로 보아 "
            "정리했습니다.",
        ),
    ),
    ("boiler", "3"): CaseRepair(
        "the last case repeats 품질보증기간 이내 where the depreciation remedy (and every "
        "parallel item) needs 품질보증기간 경과 후",
        (
            (
                "3",
                "품질보증기간 이내에 정상적인 사용상태에서 발생한 성능·기능상의 하자발생",
                (
                    ("품질보증기간 이내 / 하자 발생 시", ("무상수리",)),
                    ("품질보증기간 이내 / 수리 불가능 시", ("제품교환 또는 구입가 환급",)),
                    ("품질보증기간 이내 / 교환 불가능 시", ("구입가 환급",)),
                    (
                        "품질보증기간 이내 / 교환된 제품이 1개월 이내에 중요한 수리를 요할 때",
                        ("구입가 환급",),
                    ),
                    (
                        "품질보증기간 경과 후 / 수리 불가능 시",
                        ("정액 감가상각한 금액에 10%를 가산하여 환급",),
                    ),
                ),
            ),
        ),
        (
            "자료에는 마지막 경우도 '품질보증기간 이내'로 적혀 있으나, 감가상각 환급은 다른 "
            "품목과 같이 '품질보증기간 경과 후'의 기준이므로 고쳐 적었습니다.",
        ),
    ),
    ("furniture", "15"): CaseRepair(
        "six cases and six remedies in one string; '선금의 배액' has no closing verb",
        (
            (
                "15",
                "선금지급 후 물품배달 전 해약 시",
                (
                    (
                        "소비자 귀책사유로 인한 해약 / 주문제작형 가구인 경우 / 가구 제작 작업 "
                        "착수 이전",
                        ("위약금 배상(총 제품금액의 10%)",),
                    ),
                    (
                        "소비자 귀책사유로 인한 해약 / 주문제작형 가구인 경우 / 가구 제작 작업 "
                        "착수 이후",
                        ("실손해배상",),
                    ),
                    (
                        "소비자 귀책사유로 인한 해약 / 주문제작형 이외의 가구인 경우 / 배달 3일 "
                        "전까지",
                        ("선금에서 물품대금의 5% 공제후 환급",),
                    ),
                    (
                        "소비자 귀책사유로 인한 해약 / 주문제작형 이외의 가구인 경우 / 배달 1일 "
                        "전까지",
                        ("선금에서 물품대금의 10% 공제후 환급",),
                    ),
                    (
                        "사업자 귀책사유로 인한 해약 / 선금이 물품대금의 10% 이하인 경우",
                        ("선금의 배액",),
                    ),
                    (
                        "사업자 귀책사유로 인한 해약 / 선금이 물품대금의 10%를 초과하는 경우",
                        ("선금에서 물품대금의 10%를 가산하여 환급",),
                    ),
                ),
            ),
        ),
    ),
    ("musical-instrument", "3"): CaseRepair(
        "five cases but the source has remedies for the first four only",
        (
            (
                "3",
                "품질보증기간 이내에 정상적인 사용상태에서 발생한 성능·기능상의 하자발생",
                (
                    ("품질보증기간 이내 / 하자 발생 시", ("무상수리",)),
                    ("품질보증기간 이내 / 수리 불가능 시", ("제품교환 또는 구입가 환급",)),
                    ("품질보증기간 이내 / 교환 불가능 시", ("구입가 환급",)),
                    (
                        "품질보증기간 이내 / 교환된 제품이 1개월 이내에 중요한 수리를 요할 때",
                        ("구입가 환급",),
                    ),
                    ("품질보증기간 경과 후 / 수리 불가능 시", ()),
                ),
            ),
        ),
        (
            "'품질보증기간 경과 후 수리 불가능 시'의 해결기준이 자료에서 빠졌습니다. 고시 원문을 "
            "확인하세요.",
        ),
    ),
    ("long-term-rental", "2"): CaseRepair(
        "two cases; the first remedy was cut at '해지 / 월의'",
        (
            (
                "2",
                "사업자의 귀책사유로 인한 장애발생",
                (
                    (
                        "계약해지",
                        (
                            "등록비 상당의 손해배상금액을 소비자에게 반환, 소비자는 해지 월의 "
                            "실제 사용일까지의 사용기간에 비례하여 정산한 월임대료를 사업자에게 "
                            "지급",
                        ),
                    ),
                    ("계약지속 시", ("장애발생 해당기간 사용료 면제 (기지급액 반환)",)),
                ),
            ),
        ),
    ),
    ("domestic-travel", "1+3"): CaseRepair(
        "continuation row: the rest of the 계약조건 위반 table, then two more cases of 1)",
        (
            (
                "",
                "",
                (
                    (
                        "여행사의 계약조건 위반으로 여행자가 여행계약을 해지하는 경우(여행전) / "
                        "숙박여행인 경우 / 여행개시 5일전까지 계약조건 변경 통보 시",
                        ("계약금 환급",),
                    ),
                    (
                        "여행사의 계약조건 위반으로 여행자가 여행계약을 해지하는 경우(여행전) / "
                        "숙박여행인 경우 / 여행개시 2일전까지 계약조건 변경 통보 시",
                        ("계약금 환급 및 요금의 10% 배상",),
                    ),
                    (
                        "여행사의 계약조건 위반으로 여행자가 여행계약을 해지하는 경우(여행전) / "
                        "숙박여행인 경우 / 여행개시 1일전까지 계약조건 변경 통보 시",
                        ("계약금 환급 및 요금의 20% 배상",),
                    ),
                    (
                        "여행사의 계약조건 위반으로 여행자가 여행계약을 해지하는 경우(여행전) / "
                        "숙박여행인 경우 / 여행당일 계약조건 변경통보 또는 통보가 없을 시",
                        ("계약금 환급 및 요금의 30% 배상",),
                    ),
                    (
                        "여행참가자 수의 미달로 여행사가 여행을 취소하는 경우 (사전 통지기일 "
                        "미준수)",
                        ("계약금 환급 및 계약금의 100% (위약금) 배상",),
                    ),
                    (
                        "천재지변, 전란, 정부의 명령, 운송·숙박기관 등의 파업·휴업 등으로 여행의 "
                        "목적을 달성할 수 없는 사유로 취소하는 경우",
                        ("계약금 환급",),
                    ),
                ),
            ),
        ),
    ),
    ("overseas-travel", "1"): CaseRepair(
        "sixteen cases, seventeen remedies: the first ('여행자가 입은 손해배상') heads the "
        "business-fault group",
        (
            (
                "1",
                "여행취소로 인한 피해",
                (
                    ("여행사의 귀책사유로 여행사가 취소하는 경우", ("여행자가 입은 손해배상",)),
                    *(
                        (f"여행사의 귀책사유로 여행사가 취소하는 경우 / {band}", (remedy,))
                        for band, remedy in (
                            ("여행개시 30일전까지(∼30) 통보 시", "계약금 환급"),
                            ("여행개시 20일전까지(29∼20) 통보 시", "여행요금의 10% 배상"),
                            ("여행개시 10일전까지(19∼10) 통보 시", "여행요금의 15% 배상"),
                            ("여행개시 8일전까지(9∼8) 통보 시", "여행요금의 20% 배상"),
                            ("여행개시 1일전까지(7∼1) 통보 시", "여행요금의 30% 배상"),
                            ("여행 당일 통보 시", "여행요금의 50% 배상"),
                        )
                    ),
                    *(
                        (f"여행자의 여행계약 해제 요청이 있는 경우 / {band}", (remedy,))
                        for band, remedy in (
                            ("여행개시 30일전까지(∼30) 통보 시", "계약금 환급"),
                            ("여행개시 20일전까지(29∼20) 통보 시", "여행요금의 10% 배상"),
                            ("여행개시 10일전까지(19∼10) 통보 시", "여행요금의 15% 배상"),
                            ("여행개시 8일전까지(9∼8) 통보 시", "여행요금의 20% 배상"),
                            ("여행개시 1일전까지(7∼1) 통보 시", "여행요금의 30% 배상"),
                            ("여행 당일 통보 시", "여행요금의 50% 배상"),
                        )
                    ),
                    (
                        "여행참가자 수의 미달로 여행개시 7일전까지 여행계약 해제 통지 시",
                        ("계약금 환급",),
                    ),
                    (
                        "여행참가자 수의 미달로 인한 여행 개시 7일전 까지 통지 기일 미준수 / "
                        "여행개시 1일전까지 통지 시",
                        ("여행요금의 30% 배상",),
                    ),
                    (
                        "여행참가자 수의 미달로 인한 여행 개시 7일전 까지 통지 기일 미준수 / "
                        "여행출발 당일 통지 시",
                        ("여행요금의 50% 배상",),
                    ),
                    (
                        "천재지변, 전란, 정부의 명령, 운송·숙박기관 등의 파업·휴업 등으로 여행의 "
                        "목적을 달성할 수 없는 사유로 취소하는 경우",
                        ("계약금 환급",),
                    ),
                ),
            ),
        ),
    ),
    ("overseas-travel", "2"): CaseRepair(
        "two numbered conditions and their remedies in one row",
        (
            (
                "2",
                "여행사의 계약조건 위반으로 인한 피해(여행후)",
                (
                    (
                        "",
                        (
                            "(신체손상 없을 때) 최대 여행 대금 범위내에서 배상",
                            "(신체손상시) 위자료, 치료비, 휴업손해 등 배상",
                        ),
                    ),
                ),
            ),
            (
                "3",
                "여행계약의 이행에 있어 여행종사자의 고의 또는 과실로 여행자에게 손해를 끼쳤을 "
                "경우",
                (("", ("여행자가 입은 손해배상",)),),
            ),
        ),
    ),
    ("intercity-bus", "2"): CaseRepair(
        "three cases, three remedies, but the first remedy covers two cases and the last case has "
        "two (여행중단 시 / 여행계속 시)",
        (
            (
                "2",
                "운송 불이행",
                (
                    ("운행취소", ("운임환급 및 운임의 10% 배상",)),
                    ("조기출발로 인한 미승차", ("운임환급 및 운임의 10% 배상",)),
                    (
                        "운송도중 고장, 교통사고 및 기타 사유로 인하여 운송 미완수",
                        (
                            "여행중단(불원)시：잔여구간 운임환급 및 잔여구간 운임액의 20% 환급",
                            "여행계속 시：대체차편 제공 및 잔여구간 운임의 20% 환급",
                        ),
                    ),
                ),
            ),
        ),
        (
            "운행취소와 조기출발로 인한 미승차는 원문 표에서 해결기준 한 칸을 함께 쓰는 것으로 "
            "보아 정리했습니다.",
        ),
    ),
    ("rail", "3"): CaseRepair(
        "eight cases in one remedy string with weekday/weekend pairs and a stray table header",
        (
            (
                "3",
                "승차권 반환",
                (
                    ("출발 2일 전", ("평일 전액 환급. 주말과 공휴일은 최저 수수료 공제 후 환급",)),
                    ("출발 1일 전", ("평일 전액 환급. 주말과 공휴일은 5% 공제 후 환급",)),
                    (
                        "출발 당일 ~ 출발 3시간 이전",
                        ("평일 전액 환급. 주말과 공휴일은 10% 공제 후 환급",),
                    ),
                    ("출발 3시간 이전 ~ 출발 전", ("평일 5%, 주말과 공휴일은 20% 공제 후 환급",)),
                    ("출발 후 ~ 출발 20분 이내", ("평일 15%, 주말과 공휴일은 30% 공제 후 환급",)),
                    ("출발 20분 초과~60분 이내", ("40% 공제 후 환급",)),
                    ("출발 60분 초과~도착시간 이전", ("70% 공제 후 환급",)),
                    ("도착시간 초과", ("환급 불가",)),
                ),
            ),
        ),
        (
            "자료 앞머리의 '지연시간 종별 고속열차 일반 열차'는 다른 표의 머리글이 섞여 든 것이라 "
            "뺐습니다.",
        ),
    ),
    ("academy", "4"): CaseRepair(
        "cases before/after the start of lessons carry no markers; the reading-room case and the "
        "over-one-month case were run together",
        (
            (
                "4",
                "소비자의 귀책사유로 인한 계약해제 및 해지",
                (
                    ("교습개시 전", ("기 납부한 수강료 전액 환급",)),
                    (
                        "교습개시 후 / 교습기간이 1개월 이내 / 독서실 제외한 학원 등 / 총 "
                        "교습시간의 1/3 경과 전",
                        ("수강료의 2/3 해당액 환급",),
                    ),
                    (
                        "교습개시 후 / 교습기간이 1개월 이내 / 독서실 제외한 학원 등 / 총 "
                        "교습시간의 1/2 경과 전",
                        ("수강료의 1/2 해당액 환급",),
                    ),
                    (
                        "교습개시 후 / 교습기간이 1개월 이내 / 독서실 제외한 학원 등 / 총 "
                        "교습시간의 1/2 경과 이후",
                        ("미환급",),
                    ),
                    (
                        "교습개시 후 / 교습기간이 1개월 이내 / 독서실의 경우",
                        (
                            "이미 납부한 교습비 등(고지된 1일 교습비 등×독서실 사용 시작일부터 "
                            "사용을 포기한 전날까지의 일수)",
                        ),
                    ),
                    (
                        "교습개시 후 / 교습기간이 1개월 초과",
                        (
                            "반환사유가 발생한 당해월의 반환 대상 수강료(교습 기간이 1개월 이내인 "
                            "경우에 따라 산출된 수강료를 말함.)와 나머지 월의 수강료 전액을 "
                            "합산한 금액",
                        ),
                    ),
                ),
            ),
        ),
        ("독서실의 반환 금액 식은 자료에 적힌 그대로입니다 (뺄셈 기호가 빠졌을 수 있습니다).",),
    ),
    ("sports-facility", "4"): CaseRepair(
        "three cases; the refund formulas were run together and the fraction multiplying the fee "
        "is lost",
        (
            (
                "4",
                "위 1) 2) 이외 사업자의 책임있는 사유로 인한 계약해제",
                (
                    ("이용개시일 이전", ("반환금액 환급; 반환금액 = 이용료 + 위약금",)),
                    (
                        "이용개시일 이후 / 계약내용이 이용 기간으로 정해진 경우",
                        ("반환금액 환급; 반환금액=[이용료-(이용료× )]+ 위약금",),
                    ),
                    (
                        "이용개시일 이후 / 계약내용이 이용 횟수로 정해진 경우",
                        ("반환금액 환급; 반환금액=[이용료-(이용료× )]+위약금",),
                    ),
                ),
            ),
        ),
        (
            "'이용료×' 뒤의 분수(이미 경과한 기간 또는 횟수 ÷ 계약상 이용기간 또는 횟수)가 "
            "자료에서 빠졌습니다. 스터디카페 기준과 같은 꼴입니다.",
        ),
    ),
    ("sports-facility", "5"): CaseRepair(
        "three cases; the refund formulas were run together and the fraction multiplying the fee "
        "is lost",
        (
            (
                "5",
                "소비자의 책임있는 사유로 인한 계약해제",
                (
                    ("이용개시일 이전", ("반환금액 환급; 반환금액=이용료－위약금",)),
                    (
                        "이용개시일 이후 / 계약내용이 이용 기간으로 정해진 경우",
                        ("반환금액 환급; 반환금액=[이용료-(이용료× )] - 위약금",),
                    ),
                    (
                        "이용개시일 이후 / 계약내용이 이용 횟수로 정해진 경우",
                        ("반환금액 환급; 반환금액=[이용료-(이용료× )] - 위약금",),
                    ),
                ),
            ),
        ),
        (
            "'이용료×' 뒤의 분수(이미 경과한 기간 또는 횟수 ÷ 계약상 이용기간 또는 횟수)가 "
            "자료에서 빠졌습니다. 스터디카페 기준과 같은 꼴입니다.",
        ),
    ),
    ("golf-course", "2"): CaseRepair(
        "a formula's opening parenthesis was taken for a qualifier of the first remedy",
        (
            (
                "2",
                "불가항력적 사유(강설, 폭우, 안개, 기타 천재지변 등)로 입장절차를 마친 이용자팀 "
                "전원이 경기를 마치지 못한 경우",
                (
                    (
                        "1번째 홀까지 경기를 마치지 못한 경우",
                        ("기본요금을 제외한 이용요금 전액을 환급",),
                    ),
                    (
                        "2번째 홀 이후",
                        ("(이용요금-기본요금) × {1-(기 이용한 홀 수 / 전체 홀 수)}",),
                    ),
                ),
            ),
        ),
    ),
    ("study-cafe", "4"): CaseRepair(
        "sub-cases are marked with ' · ', which is also a middle dot; formulas run together",
        (
            (
                "4",
                "사업자의 책임 있는 사유로 인한 계약해제",
                (
                    ("이용개시일 이전", ("반환금액(이용료 + 위약금) 환급",)),
                    (
                        "이용개시일 이후 / 계약내용이 이용 시간으로 정해진 경우",
                        (
                            "반환금액 환급; {이용료 - [이용료×(이미 경과한 시간/계약상 "
                            "이용시간)]} + 위약금",
                        ),
                    ),
                    (
                        "이용개시일 이후 / 계약내용이 이용 기간으로 정해진 경우",
                        (
                            "반환금액 환급; {이용료 - [이용료×(이미 경과한 기간/계약상 "
                            "이용기간)]} + 위약금",
                        ),
                    ),
                ),
            ),
        ),
    ),
    ("study-cafe", "5"): CaseRepair(
        "sub-cases are marked with ' · ', which is also a middle dot; formulas run together",
        (
            (
                "5",
                "소비자의 책임 있는 사유로 인한 계약해제",
                (
                    ("이용개시일 이전", ("반환금액(이용료 － 위약금) 환급",)),
                    (
                        "이용개시일 이후 / 계약내용이 이용 시간으로 정해진 경우",
                        (
                            "반환금액 환급; {이용료-[이용료×(이미 경과한 시간/계약상 이용시간)]} "
                            "- 위약금",
                        ),
                    ),
                    (
                        "이용개시일 이후 / 계약내용이 이용 기간으로 정해진 경우",
                        (
                            "반환금액 환급; {이용료 - [이용료×(이미 경과한 기간/계약상 "
                            "이용기간)]} - 위약금",
                        ),
                    ),
                ),
            ),
        ),
    ),
    ("restaurant", "3"): CaseRepair(
        "restaurant-type headers '(일반 음식점)', '(예약기반 음식점)' were glued to cases",
        (
            (
                "3",
                "사업자의 예약보증금의 계약금 등 성질 고지",
                (
                    (
                        "사업자의 사정으로 인한 계약해제 또는 채무 불이행",
                        ("예약 보증금의 2배 금액을 환급 (예약보증금 환급+손해배상금)",),
                    ),
                    *(
                        (
                            f"소비자의 사정으로 인한 계약해제(예약부도 등) / {kind} / {band}",
                            (remedy,),
                        )
                        for kind, band, remedy in (
                            (
                                "일반 음식점",
                                "약정이용시점부터 1시간 전 이전 계약해제",
                                "예약보증금 전액 환급",
                            ),
                            (
                                "일반 음식점",
                                "약정이용시점부터 1시간 전 이후 계약해제",
                                "예약보증금의 25% 환급",
                            ),
                            ("일반 음식점", "예약부도", "예약보증금 전액을 위약금으로 봄"),
                            (
                                "예약기반 음식점",
                                "약정이용시점부터 24시간전 이전 계약해제",
                                "예약보증금 전액 환급",
                            ),
                            (
                                "예약기반 음식점",
                                "약정이용시점부터 24시간전 이후~1시간전 이전 계약해제",
                                "예약보증금의 50% 환급",
                            ),
                            (
                                "예약기반 음식점",
                                "약정이용시점부터 1시간전 이후 계약해제",
                                "예약보증금의 25% 환급",
                            ),
                            ("예약기반 음식점", "예약부도", "예약보증금 전액을 위약금으로 봄"),
                        )
                    ),
                ),
            ),
        ),
    ),
    ("short-term-rental", "1"): CaseRepair(
        "six cases and six remedies with no markers between them",
        (
            (
                "1",
                "소비자의 책임있는 사유로 인한 계약해제",
                (
                    (
                        "사용예정일로부터 1개월 전까지 취소 또는 계약 후 24시간 이내 취소",
                        ("계약금 및 보증금 전액 환급",),
                    ),
                    ("사용예정일 15일 전까지 취소", ("대여료의 10% 공제 후 환급",)),
                    ("사용예정일 7일 전까지 취소", ("대여료의 30% 공제 후 환급",)),
                    ("사용예정일 3일 전까지 취소", ("대여료의 50% 공제 후 환급",)),
                    ("사용예정일 1일 전까지 취소", ("대여료의 80% 공제 후 환급",)),
                    ("사용예정 당일 취소 또는 연락두절", ("대여료의 100% 공제",)),
                ),
            ),
        ),
    ),
    ("short-term-rental", "2"): CaseRepair(
        "six cases and six remedies with no markers between them",
        (
            (
                "2",
                "사업자의 책임있는 사유로 인한 계약해제",
                (
                    (
                        "사용예정일로부터 1개월 전까지 취소 또는 계약 후 24시간 이내 취소",
                        ("계약금 및 보증금 전액 환급",),
                    ),
                    ("사용예정일 7일 전까지 취소", ("전액 환급 및 대여료의 10% 배상",)),
                    ("사용예정일 5일 전까지 취소", ("전액 환급 및 대여료의 30% 배상",)),
                    ("사용예정일 3일 전까지 취소", ("전액 환급 및 대여료의 50% 배상",)),
                    ("사용예정일 1일 전까지 취소", ("전액 환급 및 대여료의 80% 배상",)),
                    ("사용예정 당일 취소", ("전액 환급 및 대여료의 100% 배상",)),
                ),
            ),
        ),
    ),
    ("interior-works", "1"): CaseRepair(
        "two cases with no markers, two remedies in one string",
        (
            (
                "1",
                "시공 상 하자(균열, 누수, 파손 등)",
                (
                    ("하자담보책임기간 이내", ("무상수리",)),
                    ("하자담보책임기간 이후", ("유상수리",)),
                ),
            ),
        ),
    ),
    ("interior-works", "5"): CaseRepair(
        "two cases with no markers, two remedies in one string",
        (
            (
                "5",
                "사업자의 책임있는 사유로 인한 계약해제",
                (
                    ("계약 또는 실측만 한 경우", ("선급금 전액 환급 및 총 시공비의 10% 배상",)),
                    ("공사에 착수한 후", ("대금정산 후 총 시공비의 10% 배상",)),
                ),
            ),
        ),
    ),
    ("interior-works", "6"): CaseRepair(
        "two cases with no markers, two remedies in one string",
        (
            (
                "6",
                "소비자의 책임있는 사유로 인한 계약해제",
                (
                    (
                        "계약 또는 실측만 한 경우",
                        ("계약금을 위약금으로 하되 총시공비의 10%를 한도로 배상",),
                    ),
                    ("제작 또는 공사에 착수한 경우", ("실손해액 배상",)),
                ),
            ),
        ),
    ),
    ("interior-works", "7"): CaseRepair(
        "two cases with no markers, two remedies in one string",
        (
            (
                "7",
                "공사기간 지연",
                (("공사에 착수하기 전", ("계약해제",)), ("공사에 착수한 후", ("실손해액 배상",))),
            ),
        ),
    ),
    ("interior-works", "8"): CaseRepair(
        "two cases with no markers, two remedies in one string",
        (
            (
                "8",
                "계약서 미교부한 경우",
                (
                    ("공사에 착수하기 전", ("계약해제 및 선급금 전액 환급",)),
                    ("공사에 착수한 후", ("대금정산 후 계약해제",)),
                ),
            ),
        ),
    ),
}

# Which formula (relief/standards/formulas.py) applies to which dispute; rates.py reads
# the numbers out of the dispute's words when the cleaned file is written. Depreciation
# ("정액 감가상각 … 환급") is attached wherever the words say so, without a listing here.
FORMULAS: dict[tuple[str, str], str] = {
    ("sports-facility", "4"): "prorata-gym",
    ("sports-facility", "5"): "prorata-gym",
    ("study-cafe", "4"): "prorata-study-cafe",
    ("study-cafe", "5"): "prorata-study-cafe",
    ("beauty-services", "3"): "prorata-total",
    ("beauty-services", "4"): "prorata-total",
    ("cosmetic-dermatology", "1"): "prorata-sessions",
    ("cosmetic-dermatology", "2"): "prorata-sessions",
    ("books-records", "7"): "prorata-remaining",
    ("mobile-content", "6"): "prorata-remaining",
    ("internet-content", "5"): "prorata-remaining",
    ("online-game", "6"): "prorata-remaining",
    ("overseas-travel", "1"): "cancellation-schedule",
    ("domestic-travel", "1"): "cancellation-schedule",
    ("wedding-hall", "1"): "cancellation-schedule",
    ("wedding-hall", "2"): "cancellation-schedule",
    ("lodging", "1"): "cancellation-schedule",
    ("lodging", "2"): "cancellation-schedule",
    ("lodging", "3"): "cancellation-schedule",
    ("lodging", "4"): "cancellation-schedule",
    ("performance", "2"): "cancellation-schedule",
    ("cosmetic-surgery", "1"): "cancellation-schedule",
    ("cosmetic-surgery", "2"): "cancellation-schedule",
    ("golf-course", "4"): "cancellation-schedule",
    ("air-domestic", "3"): "delay-hours",
    ("air-international", "5"): "delay-hours",
    ("intercity-bus", "3"): "delay-ratio",
    ("academy", "4"): "elapsed-share",
    ("gift-voucher", "4"): "voucher-expired",
    ("mobile-gift-voucher", "4"): "voucher-expired",
    ("long-term-rental", "4"): "rental-termination",
}
# 도서 사은품 depreciation (books-records 8) is about a free gift, not the price paid.
NO_DEPRECIATION: frozenset[tuple[str, str]] = frozenset({("books-records", "8")})
