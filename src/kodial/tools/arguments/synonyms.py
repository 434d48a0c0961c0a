"""Everyday Korean names of allowed values that schemas write in English or as codes (male ->
남자, beginner -> 초급, cash -> 현금, en -> 영어, ICN -> 인천), and the kinds of thing some of them
are (payment methods, languages, seats), so that a value of a kind a parameter does not offer is
known to be not offered."""

from __future__ import annotations

ENUM_SYNONYMS: dict[str, tuple[str, ...]] = {
    "male": ("남자", "남성", "남", "man", "남자예요"),
    "female": ("여자", "여성", "여", "woman"),
    "low": ("낮음", "낮", "적음", "가벼운", "조금"),
    "moderate": ("보통", "중간", "적당"),
    "medium": ("보통", "중간", "적당"),
    "high": ("높음", "높", "많음", "격한", "많이"),
    "true": ("예", "네", "응"),
    "false": ("아니", "아니요"),
    # everyday names of fuels and drink temperatures
    "경유": ("디젤", "diesel"),
    "휘발유": ("가솔린", "gasoline"),
    "iced": ("아이스", "차가운", "차갑게"),
    "hot": ("따뜻한", "따뜻하게", "뜨거운", "뜨겁게"),
    # curtains drawn (커튼 쳐줘) and drawn back (걷어 줘)
    "close": ("쳐줘", "쳐 줘", "쳐주세요", "쳐 주세요", "쳐놔", "쳐 놔"),
    "open": ("걷어",),
    # strengths by how they are said (흡입력은 세게)
    "강": ("세게", "쎄게", "강하게", "최대로"),
    "약": ("약하게", "살살", "조용하게"),
    # meals by the parts of the day they are eaten in (오늘 저녁 메뉴 for 석식)
    "조식": ("아침", "아침밥"),
    "중식": ("점심", "점심밥"),
    "석식": ("저녁", "저녁밥"),
    # units by their Korean names
    "km": ("킬로미터", "키로미터"),
    "m": ("미터",),
    "cm": ("센티미터", "센티"),
    "kg": ("킬로그램",),
    "lb": ("파운드",),
    "m2": ("제곱미터", "㎡"),
    # Korean airports by their IATA codes: a flight tool's enum of codes, said by the city
    "gmp": ("김포", "김포공항"),
    "icn": ("인천", "인천공항"),
    "pus": ("김해", "김해공항", "부산"),
    "cju": ("제주", "제주공항", "제주도"),
    "tae": ("대구", "대구공항"),
    "kwj": ("광주", "광주공항"),
    "cjj": ("청주", "청주공항"),
    "rsu": ("여수", "여수공항"),
    "usn": ("울산", "울산공항"),
    "mwx": ("무안", "무안공항"),
    "yny": ("양양", "양양공항"),
    # payment methods by their everyday Korean names
    "cash": ("현금",),
    "card": ("카드", "신용카드", "체크카드"),
    "credit_card": ("신용카드", "카드"),
    "transfer": ("이체", "계좌이체", "계좌", "송금"),
    "bank_transfer": ("이체", "계좌이체", "계좌", "무통장"),
    "account_transfer": ("이체", "계좌이체", "계좌"),
    # languages by their ISO 639-1 codes (a translation tool's enum), said by their names
    "en": ("영어", "영문", "english"),
    "ko": ("한국어", "한글", "korean"),
    "ja": ("일본어", "일어", "japanese"),
    "zh": ("중국어", "중문", "chinese"),
    "fr": ("프랑스어", "불어", "french"),
    "de": ("독일어", "독어", "german"),
    "es": ("스페인어", "spanish"),
    "it": ("이탈리아어",),
    "ru": ("러시아어",),
    "vi": ("베트남어",),
    "th": ("태국어",),
    "pt": ("포르투갈어",),
    "ar": ("아랍어",),
    "english": ("영어", "영문"),
    "korean": ("한국어", "한글"),
    "japanese": ("일본어", "일어"),
    "chinese": ("중국어", "중문"),
    # seats by the names Korean airlines, trains and theatres use
    "economy": ("일반석", "이코노미 클래스", "이코노미석", "이코노미", "보통석"),
    "business": ("비즈니스 클래스", "비즈니스석", "비즈니스", "비지니스"),
    "first": ("일등석", "퍼스트 클래스", "퍼스트클래스", "퍼스트석", "퍼스트"),
    "first_class": ("일등석", "퍼스트 클래스", "퍼스트클래스", "퍼스트석", "퍼스트"),
    "aisle": ("복도", "복도석", "복도 쪽", "통로", "통로석", "통로 쪽"),
    "window": ("창가", "창가석", "창가 쪽", "창측"),
    # sizes given as one syllable (소/중/대): people say the size word
    "소": ("작은", "소형", "스몰"),
    "중": ("중간", "중형", "미디엄"),
    "대": ("큰", "대형", "라지"),
    # sizes by their Korean names, said as a size ("중간 크기면 될 것 같고"; 큰 alone is any
    # adjective)
    "소형": ("작은 크기", "작은 사이즈", "스몰 사이즈"),
    "중형": ("중간 크기", "중간 사이즈", "미디엄 사이즈", "중간 정도 크기"),
    "대형": ("큰 크기", "큰 사이즈", "라지 사이즈"),
    # levels, plans, sizes and times of day, said by their Korean names
    # internet speeds said by their Korean names (기가 인터넷)
    "1g": ("기가", "1기가", "기가급"),
    "500m": ("500메가",),
    "100m": ("100메가",),
    # (one doing it for the first time: "처음 타는 사람이 할 만한"; 처음이에요 alone may answer
    # whether one has done it before)
    "beginner": ("초급", "입문", "초보", "처음 타는", "처음 하는", "처음 배우는"),
    "입문": ("처음 타는", "처음 하는", "처음 배우는", "왕초보"),
    "intermediate": ("중급",),
    "advanced": ("고급", "상급"),
    "basic": ("기본", "베이직"),
    "standard": ("스탠다드", "일반"),
    "premium": ("프리미엄",),
    "small": ("소형", "작은", "스몰"),
    "large": ("대형", "큰", "라지"),
    "morning": ("오전", "아침"),
    "afternoon": ("오후",),
    "evening": ("저녁",),
    "night": ("야간", "밤"),
    "weekday": ("평일",),
    "weekend": ("주말",),
    "daily": ("매일",),
    "weekly": ("매주",),
    "monthly": ("매달", "매월"),
    # who and where, said by their Korean names
    "adult": ("성인", "어른", "대인"),
    "child": ("어린이", "소인", "아동"),
    "youth": ("청소년",),
    "senior": ("경로", "어르신"),
    "student": ("학생", "대학생", "고등학생", "중학생", "초등학생"),
    "military": ("군인", "장병", "현역"),
    "indoor": ("실내",),
    "outdoor": ("실외", "야외"),
    "online": ("온라인", "비대면", "줌으로", "zoom"),
    "offline": ("오프라인", "대면"),
    # how one meets (상담, 수업): face to face, on a screen, or in writing
    "in_person": ("대면", "방문", "직접 만나"),
    "video": ("화상", "영상통화", "비디오"),
    "chat": ("채팅", "메신저"),
    "private": ("개인실", "프라이빗", "1인실"),
    "single": ("싱글", "1인용"),
    "double": ("더블",),
    "twin": ("트윈",),
    # what is recycled, by the words people put it in
    "pet": ("페트병", "페트"),
    "can": ("캔", "깡통"),
    "glass": ("유리병",),
    "plastic": ("플라스틱",),
    "paper_pack": ("종이팩", "우유팩"),
    "battery": ("건전지", "폐건전지"),
    # what a flight or an outing is for
    "hobby": ("취미", "취미용", "재미로"),
    "filming": ("촬영", "영상 촬영", "찍으려"),
    "education": ("교육", "수업용"),
    # how a thing made is received, by the everyday words (택배로 받을게요, 찾으러 갈게요)
    # (said as the way: "택배로", "메일로"; 택배 찾으러 가느라, 우편번호 and 메일 주소 are not)
    "courier": ("택배로", "등기로"),
    "parcel": ("택배로",),
    "pickup": ("방문 수령", "직접 수령", "직접 받", "찾으러 갈게", "찾으러 갈게요", "픽업"),
    "email": ("이메일로", "메일로"),
    "post": ("우편으로", "등기로"),
    # a genre by how people say it (무서운 테마; "안 무서운" is turned down where it is read)
    "공포": ("무서운", "호러"),
    # faults by how people say they show (물이 새요 is a leak, 안 내려가요 a blockage)
    "누수": ("물이 새", "물 새", "물이 떨어", "물이 뚝뚝", "새는 물"),
    "막힘": ("막혔", "막혀", "안 내려가"),
    # tree and garden work by its everyday name (가지치기 is 전지)
    "전지": ("가지치기", "가지 치기"),
    "낙엽청소": ("낙엽 치우", "낙엽 청소", "낙엽 쓸"),
}

ENUM_KINDS: tuple[frozenset[str], ...] = (
    frozenset({"cash", "card", "credit_card", "transfer", "bank_transfer", "account_transfer"}),
    frozenset({"en", "ko", "ja", "zh", "fr", "de", "es", "it", "ru", "vi", "th", "pt", "ar"}),
    frozenset({"english", "korean", "japanese", "chinese"}),
    frozenset({"economy", "business", "first", "first_class"}),
    frozenset({"gmp", "icn", "pus", "cju", "tae", "kwj", "cjj", "rsu", "usn", "mwx", "yny"}),
    frozenset({"경유", "휘발유"}),
)
"""Values of :data:`ENUM_SYNONYMS` that are one kind of thing (payment methods, languages,
seats, airports, fuels): a value of the kind that a parameter does not offer is known to be
not offered."""

UNIT_SAID = {
    "km": ("키로", "킬로", "킬로미터", "키로미터"),
    "kg": ("키로", "킬로", "킬로그램"),
    "g": ("그램",),
    "mg": ("밀리그램",),
    "ml": ("미리", "밀리", "밀리리터"),
    "l": ("리터",),
    "cm": ("센티", "센치", "센티미터"),
    "mm": ("미리", "밀리미터"),
    "m": ("미터",),
}
"""Units written in Latin letters in an option (10km, 500ml), as Korean says them."""
