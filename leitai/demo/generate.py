"""Realistic, deterministic organisation trees: the demo city and trees of any size for benchmarks.

Rows are the importer's seven columns (HEADERS_ZH), parents before children. Pure Python: the
demo command writes `demo_rows()` to a CSV and imports it, `leitai gen-orgs` streams
`generated_rows()` to a file, and the tests read both without a database.

Names follow the shapes the 灯塔-党建在线 records use and the reference article quotes: a branch
carries its community's full name as a prefix (金湖路街道泰州路社区第五网格泰州路居民区党支部), so
two-character searches match many units and four-character ones few, as they do on real data.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise

HEADERS_ZH: list[str] = ["编码", "名称", "上级编码", "类型", "领域", "书记", "初评单位"]

Row = list[str]

# Kinds and sectors spelled as the importer reads them.
COMMITTEE, WORKING_COMMITTEE, WORK_COMMITTEE = "党委", "党工委", "工委"
GENERAL_BRANCH, BRANCH = "党总支", "党支部"
RURAL, URBAN, STATE, NON_PUBLIC, AGENCY, SCHOOL, OTHER = (
    "农村",
    "城市社区",
    "国有企业",
    "两新组织",
    "机关事业单位",
    "学校",
    "其他",
)
YES, NO = "是", "否"

MAX_FANOUT = 2_000
# A unit at this depth (the root is 0) gets only branches below it, which keeps the tree at most
# 8 deep: the depth of the deepest real trees (city → district → street → community → grid → …).
DEEPEST_CONTAINER = 7


def _words(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(text.split()))


def _weighted(text: str) -> tuple[str, ...]:
    """Words kept with their repeats: a word written twice is drawn twice as often."""
    return tuple(text.split())


# --- Name material -------------------------------------------------------------------------------
# Qingdao's old streets are named after Chinese cities and provinces; communities take their names.
PLACES = _words("""
泰州 宁德 福州 南京 镇江 徐州 延吉 吉林 辽阳 敦化 抚顺 南昌 热河 瑞昌 鞍山
杭州 长春 洛阳 太原 威海 贵州 云南 西藏 郓城 单县 观城 莘县 曹县 东平 平原
费县 沂水 莒县 齐东 黄县 龙口 登州 宁夏 江西 湛山 汇泉 海伦 嘉定 湖岛 兴隆
台东 延安 芝罘 上海 馆陶 广州 济南 潍坊 烟台 临沂 日照 淄博 枣庄 东营 泰安
济宁 德州 聊城 滨州 菏泽 青州 寿光 诸城 高密 昌邑 安丘 临朐 昌乐 蓬莱 招远
栖霞 海阳 莱阳 乳山 荣成 文登 沈阳 大连 营口 丹东 锦州 本溪 长沙 武昌 汉口
九江 赣州 萍乡 宜昌 襄阳 郑州 开封 许昌 南阳 商丘 信阳 合肥 芜湖 安庆 蚌埠
无锡 苏州 常州 扬州 南通 宿迁 盐城 淮安 温州 宁波 绍兴 嘉兴 湖州 台州 金华
衢州 丽水 厦门 泉州 漳州 莆田 三明 龙岩 汕头 佛山 韶关 江门 湛江 肇庆 惠州
梅州 桂林 柳州 南宁 梧州 昆明 大理 成都 重庆 绵阳 宜宾 乐山 泸州 西安 宝鸡
咸阳 兰州 天水 银川 西宁 包头 赤峰 大同 阳泉 长治 晋城 保定 唐山 邯郸 邢台
承德 胜利 和平 幸福 友谊 团结 光明 新华 红旗 解放 建设 文化 振兴 兴华 永安
永清 德平 金湖 海泊 同安 浮山 错埠 麦岛 太平 逍遥 嘉峪 山海 居庸 宁武 紫荆
武胜 香港 燕儿 仙游 东海 南海 黄海 渤海 崂山 华阳 松岭 泉州 书院 枫林 福林
金门 银海 龙城 凤凰 翠湖 银杏 海岸 滨海 金沙 明霞
""")
# Repeated words are weights.
STREET_SUFFIXES = _weighted(
    "路 路 路 路 花园 新村 苑 家园 里 东路 西路 南路 北路 一路 二路 三路 山庄 湾"
)
ESTATES = _words("""
海信 万科 中海 绿城 保利 鲁信 华润 金茂 瑞源 颐和 丽晶 嘉和 锦绣 翠湖 书香
阳光 和达 金帝 国信 青特 天泰 宝龙 鲁商 融创 星雨 凯景 远洋 城投 海尔 德馨
福瀛 逸景 怡海 紫御 国际 名人 东方 银座 佳和 康城
""")
ESTATE_SUFFIXES = _words("花园 苑 小区 家园 公寓 新城 名邸 雅居 山庄 府")
COMMUNITY_GROUPS = _words(
    "离退休党员 在职党员 物业服务企业 楼宇 商圈 志愿服务队 流动党员 老干部 新就业群体"
)
STREET_OFFICES = _words("""
党政办公室 党建工作办公室 社区建设办公室 城市管理办公室 经济发展办公室 平安建设办公室
社会事务办公室 便民服务中心 综合行政执法中队 退役军人服务站 财政所
""")
TOWN_OFFICES = _words(
    "党政办公室 农业农村办公室 经济发展办公室 便民服务中心 农业服务中心 综合行政执法中队 财政所"
)
SURNAMES = (
    "王王王王张张张李李李刘刘刘孙孙杨杨赵赵徐徐陈高高于于马姜姜宋周曲郭董薛韩矫隋栾崔"
    "宫邵牟林吴黄胡朱郑谢许毛丁傅纪臧管修綦逄宿盛范邢耿辛魏吕袁贾田冯杜程曹彭潘蒋蔡孟"
    "房战初迟付任卢单"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华平刚桂玉兰霞建国红志文海波鹏辉斌宁飞鑫凯"
    "婷雪琳晓东宏成峰林春梅新燕俊德翠素胜宗祥福庆丰利民永学云青松爱萍"
)
VILLAGE_SURNAMES = (
    "王张李刘孙杨赵徐陈高于马姜宋周曲郭董薛韩矫隋栾崔宫邵牟林吴黄胡朱郑谢许毛丁傅纪臧管修綦逄宿盛范"
)
VILLAGE_NATURE = "石河柳枣杏沙泉岭山桥庙官店营寨集松槐桑梨苇泊湾崖埠"
VILLAGE_ENDS = _weighted("庄 庄 疃 埠 屯 沟 洼 岭 河 泊 寨 夼 台 戈庄")
DIRECTIONS = "东西南北前后大小上下中新"
AGENCY_SUFFIXES = _words("""
委办公室 委组织部 委宣传部 委统战部 委政法委 委网信办 纪委监委机关 人大常委会机关
政协机关 政府办公室 发展和改革局 教育局 科学技术局 工业和信息化局 公安局 民政局
司法局 财政局 人力资源和社会保障局 自然资源局 生态环境局 住房和城乡建设局 城市管理局
交通运输局 水务局 农业农村局 商务局 文化和旅游局 卫生健康局 退役军人事务局 应急管理局
审计局 国资局 市场监督管理局 统计局 医疗保障局 信访局 行政审批服务局 大数据发展管理局
税务局 人民法院 人民检察院 档案馆 总工会 团委 妇联 科协 残联 工商联
""")
AGENCY_DEPARTMENTS = _words("""
办公室 综合处 政策法规处 人事处 财务处 规划处 督查处 宣传处 机关第一 机关第二
机关第三 机关第四 离退休干部 信息中心 服务中心 执法大队 法制科 审批科 业务一科
业务二科 业务三科 监督检查科
""")
AGENCY_UNITS = _words("""
机关服务中心 信息中心 事务服务中心 综合行政执法支队 研究中心 培训中心 档案室 监测中心
质量检验所 稽查局 第一分局 第二分局 第三分局 审批服务中心 应急指挥中心 后勤服务中心
数据中心
""")
SCHOOL_DEPARTMENTS = _words("""
行政 后勤 离退休教职工 高一年级 高二年级 高三年级 初一年级 初二年级 初三年级
语文教研组 数学教研组 外语教研组 理科综合 文科综合 体育艺术 教职工第一 教职工第二
教职工第三 国际部
""")
COLLEGES = _words("""
机电工程学院 计算机科学技术学院 经济学院 商学院 马克思主义学院 外国语学院 化工学院
医学部 文学院 法学院 数学与统计学院 物理科学学院 材料科学与工程学院 自动化学院
土木工程学院 海洋科学与工程学院 管理学院 纺织服装学院 音乐学院 美术学院 体育学院
生命科学学院 环境科学与工程学院 信息工程学院
""")
COLLEGE_BRANCHES = _words("教工第 学生第 研究生第 本科生第 退休教工第")
INDUSTRIES = _words("""
科技 电子 物流 建设 置业 机械 食品 海洋生物 新材料 智能装备 供应链 文化传媒 环保
软件 医药 纺织 橡胶 家电 服饰 贸易 船舶 检测 能源 电力 工程咨询 信息技术
网络科技 生物科技 精密制造 汽车零部件 现代农业 冷链物流 融资租赁 城市发展 文化旅游
水务 燃气 热力 交通发展 产业投资 资产运营
""")
COMPANY_FORMS = _weighted("有限公司 有限公司 有限公司 股份有限公司 集团有限公司 有限责任公司")
BRAND_CHARS = (
    "海华恒瑞泰鑫诚信达盛通宏远润丰嘉汇佳晟源德森博创宇航安康新力科正东方金天中宝利兴"
    "祥凯益荣昌鼎立和美云众聚蓝青锦程"
)
COMPANY_DEPARTMENTS = _words("""
机关 综合 工程管理部 财务部 运营部 市场部 项目部 安全质量部 客服中心 维修车间
研发中心 生产车间 物资供应部 技术中心 投资发展部 审计部 人力资源部 离退休
""")
CHINESE_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 105 → 一百零五, 2000 → 二千: branch ordinals as they are written."""
    if n < 10:
        return CHINESE_DIGITS[n]
    if n < 20:
        return "十" + (CHINESE_DIGITS[n - 10] if n > 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            out += ("零" if zero and out else "") + CHINESE_DIGITS[digit] + unit
            zero = False
        else:
            zero = True
    return out


CN: tuple[str, ...] = tuple(_chinese_number(n) if n else "" for n in range(MAX_FANOUT + 2))


def _pool(count: int, make: Callable[[random.Random], str]) -> tuple[str, ...]:
    """A fixed pool drawn once: indexing it with random bits is far cheaper than building names."""
    rng = random.Random(20220711)  # the day of the article's arena; any constant would do
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen[make(rng)] = None
    return tuple(seen)


def _person(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _village(rng: random.Random) -> str:
    shape = rng.random()
    surname, end = rng.choice(VILLAGE_SURNAMES), rng.choice(VILLAGE_ENDS)
    if shape < 0.45:
        core = f"{surname}家{end}"
    elif shape < 0.65:
        core = f"{rng.choice(DIRECTIONS)}{surname}家{end}"
    elif shape < 0.9:
        core = f"{rng.choice(DIRECTIONS)}{rng.choice(VILLAGE_NATURE)}{end}"
    else:
        core = f"{rng.choice(DIRECTIONS)}{surname}戈庄"
    if any(a == b for a, b in pairwise(core)):
        return _village(rng)  # not 前岭岭村
    return core + "村"


def _brand(rng: random.Random) -> str:
    first, second = rng.sample(BRAND_CHARS, 2)
    return first + second


SECRETARIES = _pool(4096, _person)  # 4096: indexed by the low 12 random bits
VILLAGES = _pool(2000, _village)
BRANDS = _pool(1024, _brand)


def _spread(label: str, i: int, size: int) -> int:
    """Sibling i's index into a pool: distinct for the first `size` siblings, varied by parent.

    The parent's part is a checksum of its label's tail (where siblings' parents differ: 八大关街道,
    八大湖街道), not hash(), which Python salts per process. Pools whose length is a multiple of
    37 would repeat early; none is.
    """
    return (i * 37 + sum(map(ord, label[-6:])) + len(label)) % size


def _distinct(words: tuple[str, ...], label: str, i: int) -> str:
    """A name part no earlier sibling has: a pool word, then ordinals once the pool runs out."""
    return words[_spread(label, i, len(words))] if i < len(words) else f"第{CN[i + 1]}"


def _community(label: str, i: int) -> str:
    place = PLACES[_spread(label, i, len(PLACES))]
    return place + STREET_SUFFIXES[(i + len(label)) % len(STREET_SUFFIXES)] + "社区"


def _committee_kind(descendants: int) -> str:
    # A unit with many units below it is a committee; a handful of branches make a general branch.
    return COMMITTEE if descendants > 8 else GENERAL_BRANCH


# --- The fourteen evaluating units ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EvaluatingUnit:
    code: str
    name: str
    kind: str
    sector: str
    label: str  # the prefix its descendants' names start from
    role: str
    weight: int  # its share of a generated tree, roughly its number of party organisations


ROOT_CODE, ROOT_NAME = "370200", "中共青岛市委"
SASAC_LABEL = "青岛市国资委"
CITY_LABEL = "青岛市"

# District codes are the administrative division codes; the system committees use letters, which
# no division code contains, so a code prefix never mixes the two.
EVALUATING: tuple[EvaluatingUnit, ...] = (
    EvaluatingUnit("370202", "中共青岛市市南区委", COMMITTEE, OTHER, "市南区", "district", 6),
    EvaluatingUnit("370203", "中共青岛市市北区委", COMMITTEE, OTHER, "市北区", "district", 8),
    EvaluatingUnit("370213", "中共青岛市李沧区委", COMMITTEE, OTHER, "李沧区", "district", 5),
    EvaluatingUnit("370212", "中共青岛市崂山区委", COMMITTEE, OTHER, "崂山区", "district", 4),
    EvaluatingUnit(
        "370211",
        "中共青岛西海岸新区工委（黄岛区委）",
        WORKING_COMMITTEE,
        OTHER,
        "黄岛区",
        "district",
        12,
    ),
    EvaluatingUnit("370214", "中共青岛市城阳区委", COMMITTEE, OTHER, "城阳区", "district", 7),
    EvaluatingUnit("370215", "中共青岛市即墨区委", COMMITTEE, OTHER, "即墨区", "district", 10),
    EvaluatingUnit("370281", "中共胶州市委", COMMITTEE, OTHER, "胶州市", "district", 8),
    EvaluatingUnit("370283", "中共平度市委", COMMITTEE, OTHER, "平度市", "district", 12),
    EvaluatingUnit("370285", "中共莱西市委", COMMITTEE, OTHER, "莱西市", "district", 7),
    EvaluatingUnit(
        "3702A1",
        "中共青岛市直属机关工作委员会",
        WORK_COMMITTEE,
        AGENCY,
        CITY_LABEL,
        "city_organ",
        6,
    ),
    EvaluatingUnit(
        "3702A2", "中共青岛市委教育工作委员会", WORK_COMMITTEE, SCHOOL, CITY_LABEL, "city_edu", 6
    ),
    EvaluatingUnit(
        "3702A3",
        "中共青岛市人民政府国有资产监督管理委员会委员会",
        COMMITTEE,
        STATE,
        SASAC_LABEL,
        "city_soe",
        5,
    ),
    EvaluatingUnit(
        "3702A4",
        "中共青岛市委非公有制经济组织和社会组织工作委员会",
        WORK_COMMITTEE,
        NON_PUBLIC,
        CITY_LABEL,
        "city_np",
        6,
    ),
)

# Streets (街道) and towns (镇) in their official order; a star marks a street that is still
# mostly villages (its units are rural).
_DISTRICT_UNITS_TEXT = """
市南区: 八大峡街道 云南路街道 中山路街道 江苏路街道 八大关街道 湛山街道
  香港中路街道 八大湖街道 金湖路街道 珠海路街道
市北区: 辽宁路街道 延安路街道 登州路街道 宁夏路街道 敦化路街道 辽源路街道
  合肥路街道 大港街道 即墨路街道 台东街道 镇江路街道 双山街道
李沧区: 振华路街道 永清路街道 永安路街道 兴华路街道 兴城路街道 李村街道
  虎山路街道 浮山路街道 九水街道 湘潭路街道 楼山街道
崂山区: 中韩街道 沙子口街道 *王哥庄街道 *北宅街道 金家岭街道
黄岛区: 黄岛街道 辛安街道 薛家岛街道 长江路街道 灵珠山街道 红石崖街道 *王台街道
  珠海街道 隐珠街道 *灵山卫街道 *张家楼街道 *铁山街道 宝山镇 藏南镇 六汪镇
  海青镇 泊里镇 琅琊镇
城阳区: 城阳街道 流亭街道 夏庄街道 *惜福镇街道 *棘洪滩街道 *上马街道 *河套街道
  *红岛街道
即墨区: 通济街道 环秀街道 潮海街道 北安街道 *龙山街道 *龙泉街道 *鳌山卫街道
  *温泉街道 *蓝村街道 *大信街道 田横镇 金口镇 段泊岚镇 移风店镇
胶州市: 阜安街道 中云街道 三里河街道 九龙街道 *胶东街道 *胶北街道 *胶莱街道
  *胶西街道 *北关街道 洋河镇 里岔镇 铺集镇 李哥庄镇
平度市: 东阁街道 李园街道 *同和街道 *凤台街道 *白沙河街道 南村镇 蓼兰镇 崔家集镇
  明村镇 田庄镇 新河镇 店子镇 大泽山镇 旧店镇 云山镇 古岘镇 仁兆镇
莱西市: 水集街道 望城街道 *沽河街道 姜山镇 夏格庄镇 院上镇 日庄镇 南墅镇 河头店镇
  店埠镇 马连庄镇
"""


def _district_units(text: str) -> dict[str, tuple[tuple[str, bool], ...]]:
    """(name, is rural) per district label, from 'label: unit unit …' paragraphs."""
    units: dict[str, tuple[tuple[str, bool], ...]] = {}
    for paragraph in text.replace("\n  ", " ").strip().splitlines():
        label, names = paragraph.split(":")
        units[label] = tuple(
            (word.lstrip("*"), word.startswith("*") or word.endswith("镇"))
            for word in names.split()
        )
    return units


DISTRICT_UNITS = _district_units(_DISTRICT_UNITS_TEXT)
# The district-level system committees that follow the streets and towns, as in the city.
DISTRICT_SYSTEMS = ("dist_organ", "dist_edu", "dist_soe", "dist_np")

GROUPS = _words("""
青岛城投集团 青岛港集团 青岛地铁集团 青岛华通集团 青岛国信集团 青岛海发集团
青岛啤酒集团 青岛饮料集团 青岛双星集团 青岛能源集团 青岛水务集团 青岛公交集团
青岛旅游集团 青岛机场集团
""")
UNIVERSITIES = _words("""
青岛大学 青岛科技大学 青岛理工大学 青岛农业大学 青岛职业技术学院
青岛酒店管理职业技术学院 青岛幼儿师范高等专科学校
""")
SCHOOLS = _words("""
青岛第二中学 青岛第九中学 青岛第十五中学 青岛第十六中学 青岛第十七中学 青岛第十九中学
青岛第三十九中学 青岛第五十八中学 青岛第六十七中学 青岛大学附属中学 青岛实验高级中学
青岛第五中学 青岛电子学校 青岛旅游学校 青岛艺术学校 青岛商务学校 青岛盲校
青岛市技师学院 青岛市教育科学研究院
""")
NP_INDUSTRIES = _words("""
律师行业 快递行业 物流行业 社会组织综合 商会 软件和信息服务业 物业服务行业 会计行业
民办教育行业 互联网企业 建筑业 餐饮行业
""")

# --- How each kind of unit names its children ---------------------------------------------
# A leaf namer names a branch from its parent's label, its ordinal among its siblings and 30 random
# bits (the low 12 already pick the secretary, so namers use the higher ones). A container namer
# returns the unit's name, the label its own children build on, and its kind.
LeafNamer = Callable[[str, int, int], str]
ContainerNamer = Callable[[str, int, random.Random, int], tuple[str, str, str]]
Picker = Callable[[str, int, random.Random, int], str]

CO_OPERATIVES = _words("果蔬 花生 大姜 葡萄 茶叶 蓝莓 樱桃 苗木 海参养殖 土地股份 草莓 西红柿")
VILLAGE_GROUPS = _words("老党员 流动党员 青年党员 农业产业 电商服务")


def _of(words: tuple[str, ...], bits: int) -> str:
    return words[(bits >> 12) % len(words)]


# What the firms under an industry committee do; any other committee's firms do anything.
NP_FIRM_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "快递行业": ("快递", "速运", "供应链"),
    "物流行业": ("物流", "冷链物流", "供应链", "国际货运代理"),
    "软件和信息服务业": ("软件", "信息技术", "网络科技", "数据科技"),
    "物业服务行业": ("物业服务", "物业管理"),
    "互联网企业": ("网络科技", "信息技术", "电子商务"),
    "建筑业": ("建设", "建筑工程", "工程咨询", "装饰工程"),
    "餐饮行业": ("餐饮管理", "餐饮服务", "食品"),
}
SOCIETIES = _words("协会 促进会 研究会 联合会 服务中心")


def _firm(label: str, bits: int) -> str:
    brand = BRANDS[(bits >> 12) & 1023]
    if label.endswith("律师行业"):
        return f"山东{brand}律师事务所"
    if label.endswith("会计行业"):
        return f"青岛{brand}会计师事务所"
    if label.endswith("民办教育行业"):
        return f"青岛{brand}培训学校"
    if label.endswith("商会"):
        return f"青岛市{INDUSTRIES[(bits >> 22) % len(INDUSTRIES)]}商会"
    if label.endswith("社会组织综合"):
        society = SOCIETIES[(bits >> 28) % len(SOCIETIES)]
        return f"青岛市{INDUSTRIES[(bits >> 22) % len(INDUSTRIES)]}{society}"
    industries = INDUSTRIES
    for committee, theirs in NP_FIRM_INDUSTRIES.items():
        if label.endswith(committee):
            industries = theirs
            break
    industry = industries[(bits >> 22) % len(industries)]
    return f"青岛{brand}{industry}{COMPANY_FORMS[(bits >> 28) % len(COMPANY_FORMS)]}"


def _numbered_leaf(label: str, i: int, bits: int) -> str:
    return f"{label}第{CN[i + 1]}党支部"


# A district's own branches are its leading bodies; its agencies sit under its 直机关工委.
DISTRICT_BODIES, AGENCIES = AGENCY_SUFFIXES[:10], AGENCY_SUFFIXES[10:]


def _district_leaf(label: str, i: int, bits: int) -> str:
    return f"{label}{_distinct(DISTRICT_BODIES, label, i)}机关党支部"


def _organ_leaf(label: str, i: int, bits: int) -> str:
    return f"{label}{_distinct(AGENCIES, label, i)}机关党支部"


def _street_leaf(label: str, i: int, bits: int) -> str:
    # Three in four are small communities with a single branch; the rest the street's own offices.
    if bits >> 28:
        return f"{label}{_community(label, i)}党支部"
    return f"{label}{_distinct(STREET_OFFICES, label, i)}党支部"


def _town_leaf(label: str, i: int, bits: int) -> str:
    if bits >> 27:
        return f"{label}{VILLAGES[_spread(label, i, len(VILLAGES))]}党支部"
    return f"{label}{_distinct(TOWN_OFFICES, label, i)}党支部"


def _community_leaf(label: str, i: int, bits: int) -> str:
    shape = (bits >> 26) & 15
    if shape < 9:
        return f"{label}第{CN[i + 1]}网格党支部"
    if shape < 12:
        return f"{label}第{CN[i + 1]}网格{PLACES[(bits >> 12) % len(PLACES)]}路居民区党支部"
    if shape < 14:
        estate = ESTATES[(bits >> 12) % len(ESTATES)] + ESTATE_SUFFIXES[(bits >> 20) % 10]
        return f"{label}{estate}小区党支部"
    return f"{label}{_distinct(COMMUNITY_GROUPS, label, i)}党支部"


def _grid_leaf(label: str, i: int, bits: int) -> str:
    shape = (bits >> 27) & 3
    if shape == 0:
        return f"{label}{PLACES[(bits >> 12) % len(PLACES)]}路居民区党支部"
    if shape == 1:
        estate = ESTATES[(bits >> 12) % len(ESTATES)] + ESTATE_SUFFIXES[(bits >> 20) % 10]
        return f"{label}{estate}小区党支部"
    return f"{label}{i + 1}号楼党支部"


def _village_leaf(label: str, i: int, bits: int) -> str:
    shape = (bits >> 27) & 7
    if shape < 5:
        return f"{label}第{CN[i + 1]}党支部"
    if shape < 7:
        return f"{label}{_distinct(CO_OPERATIVES, label, i)}专业合作社党支部"
    return f"{label}{_distinct(VILLAGE_GROUPS, label, i)}党支部"


def _agency_leaf(label: str, i: int, bits: int) -> str:
    return f"{label}{_distinct(AGENCY_DEPARTMENTS, label, i)}党支部"


def _school_leaf(label: str, i: int, bits: int) -> str:
    return f"{label}{_distinct(SCHOOL_DEPARTMENTS, label, i)}党支部"


def _district_school_leaf(label: str, i: int, bits: int) -> str:
    return f"{label}{PLACES[_spread(label, i, len(PLACES))]}路小学党支部"


def _college_leaf(label: str, i: int, bits: int) -> str:
    return f"{label}{_of(COLLEGE_BRANCHES, bits)}{CN[i + 1]}党支部"


def _company_leaf(label: str, i: int, bits: int) -> str:
    return f"{label}{_distinct(COMPANY_DEPARTMENTS, label, i)}党支部"


def _district_company_leaf(label: str, i: int, bits: int) -> str:
    # A small district company with a single branch: 青岛崂山 + 文化旅游 → 青岛崂山文化旅游有限公司.
    return f"{label}{INDUSTRIES[_spread(label, i, len(INDUSTRIES))]}有限公司党支部"


def _firm_leaf(label: str, i: int, bits: int) -> str:
    return f"{_firm(label, bits)}党支部"


def _sized(name: str, descendants: int) -> tuple[str, str, str]:
    kind = _committee_kind(descendants)
    return name + kind, name, kind


def _street(label: str, i: int, rng: random.Random, descendants: int) -> tuple[str, str, str]:
    units = DISTRICT_UNITS.get(label, ())
    name = units[i][0] if i < len(units) else f"{PLACES[_spread(label, i, len(PLACES))]}路街道"
    kind = WORKING_COMMITTEE if name.endswith("街道") else COMMITTEE
    return name + kind, name, kind


def _town(label: str, i: int, rng: random.Random, descendants: int) -> tuple[str, str, str]:
    units = DISTRICT_UNITS.get(label, ())
    name = units[i][0] if i < len(units) else VILLAGES[_spread(label, i, len(VILLAGES))][:-1] + "镇"
    kind = WORKING_COMMITTEE if name.endswith("街道") else COMMITTEE
    return name + kind, name, kind


def _community_unit(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    return _sized(f"{label}{_community(label, i)}", d)


def _grid(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    name = f"{label}第{CN[i + 1]}网格"
    return name + GENERAL_BRANCH, name, GENERAL_BRANCH


def _rural_community(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    # Named after its central village: 刘家庄村 gives 刘家庄社区.
    return _sized(f"{label}{VILLAGES[_spread(label, i, len(VILLAGES))][:-1]}社区", d)


def _village_unit(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    return _sized(f"{label}{VILLAGES[_spread(label, i, len(VILLAGES))]}", d)


def _sub(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    name = f"{label}第{CN[i + 1]}{GENERAL_BRANCH}"
    return name, name, GENERAL_BRANCH


def _district_organ(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    return f"{label}直机关工委", label, WORK_COMMITTEE


def _agency(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    agency = label + _distinct(AGENCIES, label, i)
    return f"{agency}机关党委", agency, COMMITTEE


def _agency_unit(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    return _sized(label + AGENCY_UNITS[_spread(label, i, len(AGENCY_UNITS))], d)


def _district_edu(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    return f"{label}教育和体育局党委", label, COMMITTEE


def _school(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    if label == CITY_LABEL:
        j = i - len(UNIVERSITIES)
        name = SCHOOLS[j] if 0 <= j < len(SCHOOLS) else f"青岛第{CN[70 + j]}中学"
    else:
        place = PLACES[_spread(label, i, len(PLACES))]
        name = label + place + ("路小学", "中学", "路幼儿园", "路小学")[i % 4]
    return _sized(name, d)


def _university(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    name = UNIVERSITIES[i] if i < len(UNIVERSITIES) else f"青岛{rng.choice(BRANDS)}学院"
    return name + COMMITTEE, name, COMMITTEE


def _college(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    name = label + COLLEGES[_spread(label, i, len(COLLEGES))]
    return name + COMMITTEE, name, COMMITTEE


def _district_soe(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    return f"{label}国资局党委", f"青岛{label[:-1]}", COMMITTEE


def _group(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    if label == SASAC_LABEL:
        industry = INDUSTRIES[_spread(label, i, len(INDUSTRIES))]
        name = GROUPS[i] if i < len(GROUPS) else f"青岛{rng.choice(BRANDS)}{industry}集团"
    else:
        name = f"{label}{INDUSTRIES[_spread(label, i, len(INDUSTRIES))]}集团"
    return name + COMMITTEE, name, COMMITTEE


def _company(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    # A city group's companies carry its name (青岛城投集团 → 青岛城投置业有限公司); others
    # are named for themselves.
    owner = label.removesuffix("集团") if label in GROUPS else "青岛" + rng.choice(BRANDS)
    industry = INDUSTRIES[_spread(label, i, len(INDUSTRIES))]
    if industry[:2] in owner:  # not 青岛能源能源有限公司
        industry = INDUSTRIES[(_spread(label, i, len(INDUSTRIES)) + 1) % len(INDUSTRIES)]
    return _sized(owner + industry + rng.choice(COMPANY_FORMS), d)


def _district_np(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    return f"{label}委两新工委", label, WORK_COMMITTEE


def _np_industry(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    name = label + NP_INDUSTRIES[i % len(NP_INDUSTRIES)]
    return name + COMMITTEE, name, COMMITTEE


def _firm_unit(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    return _sized(_firm(label, rng.getrandbits(30)), d)


# --- Roles: what a unit is, how many children it has, and what they are -------------------
@dataclass(frozen=True, slots=True)
class Shape:
    fan: tuple[int, int]  # how many children, once it has more descendants than leaf_cap
    leaf_cap: tuple[int, int]  # up to this many descendants, all are branches directly below it
    leaf_share: float  # of its children, the mean share that are branches (the rest have units)
    max_child: int  # no child's subtree much bigger than this: more children on bigger trees


@dataclass(frozen=True, slots=True)
class Role:
    sector: str  # of the unit itself; its branches too, unless leaf_sector says otherwise
    shape: Shape
    leaf: LeafNamer
    name: ContainerNamer
    pick: Picker  # the role of a child that has units of its own
    leaf_sector: str = ""


def _always(key: str) -> Picker:
    return lambda label, i, rng, descendants: key


def _district_picker(label: str) -> Picker:
    units = DISTRICT_UNITS[label]
    rural_share = sum(rural for _, rural in units) / len(units)

    def pick(label: str, i: int, rng: random.Random, descendants: int) -> str:
        # The real streets and towns first, then the district's system committees, then (only on
        # trees far larger than Qingdao) invented streets and towns in the district's proportion.
        if i < len(units):
            return "town" if units[i][1] else "street"
        if i < len(units) + len(DISTRICT_SYSTEMS):
            return DISTRICT_SYSTEMS[i - len(units)]
        return "town" if rng.random() < rural_share else "street"

    return pick


def _town_picker(label: str, i: int, rng: random.Random, descendants: int) -> str:
    # A big town groups its villages into rural communities (农村社区), as 平度 and 即墨 do.
    return "village" if descendants <= 60 else "rural_community"


def _np_picker(label: str, i: int, rng: random.Random, descendants: int) -> str:
    return "np_industry" if i < len(NP_INDUSTRIES) else "firm"


def _edu_picker(label: str, i: int, rng: random.Random, descendants: int) -> str:
    return "university" if i < len(UNIVERSITIES) else "school"


def _unnamed(label: str, i: int, rng: random.Random, d: int) -> tuple[str, str, str]:
    raise AssertionError("evaluating units are named in EVALUATING")


def _roles() -> dict[str, Role]:
    # Shapes are set so that a million units come out 5–8 deep with 5–60 children a unit: wide
    # at the top (a district's real streets), flatter below (a community's dozen grids).
    top = Shape((20, 45), (0, 0), 0.1, 5000)
    # An agency, a school, a company, a firm: sub-units, then parts.
    upper = Shape((5, 30), (5, 30), 0.3, 300)
    # A community, a rural community, a college: a few branches of its own and a dozen parts.
    middle = Shape((5, 30), (10, 40), 0.4, 30)
    # A grid, a village, a branch office: flat unless the tree is huge.
    part = Shape((3, 12), (20, 60), 0.6, 25)
    roles = {
        "city_organ": Role(AGENCY, top, _organ_leaf, _unnamed, _always("agency")),
        "city_edu": Role(SCHOOL, top, _school_leaf, _unnamed, _edu_picker),
        "city_soe": Role(
            STATE, Shape((12, 24), (0, 0), 0.1, 8000), _company_leaf, _unnamed, _always("group")
        ),
        "city_np": Role(NON_PUBLIC, top, _firm_leaf, _unnamed, _np_picker),
        "street": Role(
            URBAN, Shape((10, 40), (4, 16), 0.25, 3000), _street_leaf, _street, _always("community")
        ),
        "town": Role(RURAL, Shape((10, 40), (10, 40), 0.6, 3000), _town_leaf, _town, _town_picker),
        "rural_community": Role(
            RURAL,
            middle,
            _town_leaf,
            _rural_community,
            _always("village"),
        ),
        "community": Role(
            URBAN,
            middle,
            _community_leaf,
            _community_unit,
            _always("grid"),
        ),
        "grid": Role(URBAN, part, _grid_leaf, _grid, _always("sub_urban")),
        "village": Role(RURAL, part, _village_leaf, _village_unit, _always("sub_rural")),
        "dist_organ": Role(
            AGENCY,
            Shape((8, 30), (4, 20), 0.4, 1000),
            _organ_leaf,
            _district_organ,
            _always("agency"),
        ),
        "agency": Role(AGENCY, upper, _agency_leaf, _agency, _always("agency_unit")),
        "agency_unit": Role(AGENCY, middle, _numbered_leaf, _agency_unit, _always("sub_agency")),
        "dist_edu": Role(
            SCHOOL,
            Shape((8, 30), (4, 20), 0.4, 1000),
            _district_school_leaf,
            _district_edu,
            _always("school"),
        ),
        "school": Role(SCHOOL, upper, _school_leaf, _school, _always("sub_school")),
        "university": Role(
            SCHOOL,
            Shape((8, 30), (0, 5), 0.1, 2000),
            _numbered_leaf,
            _university,
            _always("college"),
        ),
        "college": Role(SCHOOL, middle, _college_leaf, _college, _always("sub_school")),
        "dist_soe": Role(
            STATE,
            Shape((4, 15), (2, 10), 0.2, 2000),
            _district_company_leaf,
            _district_soe,
            _always("group"),
        ),
        "group": Role(
            STATE, Shape((5, 25), (0, 6), 0.2, 3000), _company_leaf, _group, _always("company")
        ),
        "company": Role(STATE, upper, _company_leaf, _company, _always("sub_state")),
        "dist_np": Role(
            NON_PUBLIC, Shape((5, 20), (4, 20), 0.4, 1000), _firm_leaf, _district_np, _np_picker
        ),
        "np_industry": Role(
            NON_PUBLIC,
            Shape((5, 40), (5, 40), 0.5, 2000),
            _firm_leaf,
            _np_industry,
            _always("firm"),
        ),
        "firm": Role(NON_PUBLIC, upper, _numbered_leaf, _firm_unit, _always("sub_np")),
    }
    for key, sector in (
        ("sub_urban", URBAN),
        ("sub_rural", RURAL),
        ("sub_agency", AGENCY),
        ("sub_school", SCHOOL),
        ("sub_state", STATE),
        ("sub_np", NON_PUBLIC),
    ):
        roles[key] = Role(sector, part, _numbered_leaf, _sub, _always(key))
    for label, units in DISTRICT_UNITS.items():
        # Enough children for its real streets and towns and its four system committees.
        children = len(units) + len(DISTRICT_SYSTEMS)
        shape = Shape((children - 2, children + 4), (0, 0), 0.1, 30_000)
        roles[f"district:{label}"] = Role(
            OTHER, shape, _district_leaf, _unnamed, _district_picker(label), leaf_sector=AGENCY
        )
    return roles


ROLES = _roles()


def _role_of(unit: EvaluatingUnit) -> Role:
    return ROLES[f"district:{unit.label}" if unit.role == "district" else unit.role]


# --- Streaming a tree of any size ----------------------------------------------------------------
# Zero-padded ordinals by width, the first sibling being 1: 01…99, 001…999, 0001…2000.
ORDINALS = {w: tuple(f"{n:0{w}d}" for n in range(1, min(10**w, MAX_FANOUT + 1))) for w in (2, 3, 4)}
MIN_CONTAINER = 4  # a unit with units below it has at least three branches


def _split(rng: random.Random, shape: Shape, descendants: int, depth: int) -> list[int]:
    """Subtree sizes of a unit's children, summing to `descendants`; 1 means a branch."""
    rand = rng.random
    low, high = shape.leaf_cap
    all_branches = descendants <= low + int(rand() * (high - low + 1))
    if (all_branches or depth >= DEEPEST_CONTAINER) and descendants <= MAX_FANOUT:
        return [1] * descendants
    low, high = shape.fan
    count = min(low + int(rand() * (high - low + 1)), descendants, MAX_FANOUT)
    branches = min(int(count * shape.leaf_share * 2 * rand()), count - 1)
    spare = descendants - branches  # for the units that have units below them
    # Enough units that none is much bigger than max_child: each level must shrink the subtrees
    # several times over, or a big tree would come out as long chains.
    units = max(count - branches, -(-spare // shape.max_child))
    units = max(1, min(units, spare // MIN_CONTAINER, MAX_FANOUT - branches))
    smallest = min(MIN_CONTAINER, spare // units)
    # Squared uniforms: most units are small, a few several times the mean, as in a real street
    # where one community is twice the size of its neighbours.
    weights = [0.3 + r * r for r in [rand() for _ in range(units)]]
    scale = (spare - units * smallest) / sum(weights)
    sizes = [smallest + int(w * scale) for w in weights]
    for j in range(spare - sum(sizes)):  # fewer than `units` left over by the rounding
        sizes[j] += 1
    # Units first, branches after: the named lists (a district's real streets, the city's
    # groups and universities) are indexed by ordinal, so they must take the first ones.
    return sizes + [1] * branches


class _Frame:
    """An open unit in the pre-order walk: only the path from the root is held, never the tree."""

    __slots__ = ("code", "label", "next", "ordinals", "role", "sizes")

    def __init__(self, role: Role, code: str, label: str, sizes: list[int]) -> None:
        self.role, self.code, self.label, self.sizes = role, code, label, sizes
        # Siblings share one width, so codes stay unique and sort in sibling order.
        self.ordinals = ORDINALS[2] if len(sizes) < 100 else ORDINALS[len(str(len(sizes)))]
        self.next = 0


def _subtree(
    rng: random.Random, role: Role, code: str, label: str, descendants: int, depth: int
) -> Iterator[Row]:
    """The descendants of one unit, parents first; a child's code is `code` + a padded ordinal."""
    bits = rng.getrandbits
    secretaries = SECRETARIES
    stack = [_Frame(role, code, label, _split(rng, role.shape, descendants, depth))]
    while stack:
        frame = stack[-1]
        parent, label, sizes, role = frame.code, frame.label, frame.sizes, frame.role
        leaf, sector = role.leaf, role.leaf_sector or role.sector
        ordinals, i, end = frame.ordinals, frame.next, len(sizes)
        # The hot loop: most units are branches, so runs of them are emitted without a frame.
        while i < end and sizes[i] == 1:
            b = bits(30)
            yield [
                parent + ordinals[i],
                leaf(label, i, b),
                parent,
                BRANCH,
                sector,
                secretaries[b & 4095],
                NO,
            ]
            i += 1
        if i == end:
            stack.pop()
            continue
        frame.next = i + 1
        child_role = ROLES[role.pick(label, i, rng, sizes[i] - 1)]
        name, child_label, kind = child_role.name(label, i, rng, sizes[i] - 1)
        child = parent + ordinals[i]
        yield [child, name, parent, kind, child_role.sector, secretaries[bits(12)], NO]
        child_sizes = _split(rng, child_role.shape, sizes[i] - 1, depth + len(stack))
        stack.append(_Frame(child_role, child, child_label, child_sizes))


def _evaluating_sizes(rng: random.Random, descendants: int) -> list[int]:
    # Each evaluating unit's share of the tree: its weight, jittered so seeds differ in shape too.
    weights = [unit.weight * (0.85 + 0.3 * rng.random()) for unit in EVALUATING]
    scale = descendants / sum(weights)
    sizes = [int(w * scale) for w in weights]
    for j in range(descendants - sum(sizes)):
        sizes[j] += 1
    return sizes


def _row(
    code: str,
    name: str,
    parent: str,
    kind: str,
    sector: str,
    secretary: str = "",
    evaluating: bool = False,
) -> Row:
    return [code, name, parent, kind, sector, secretary, YES if evaluating else NO]


def generated_rows(units: int, seed: int) -> Iterator[Row]:
    """Exactly `units` rows of a Qingdao-shaped tree, the same for the same (units, seed).

    Streams in constant memory: a million units hold only the open path (≤ 8 frames).
    """
    if units < 1:
        raise ValueError(f"units must be at least 1, not {units}")
    rng = random.Random(seed)
    yield _row(ROOT_CODE, ROOT_NAME, "", COMMITTEE, OTHER)
    evaluating = EVALUATING[: units - 1]
    sizes = _evaluating_sizes(rng, units - 1 - len(evaluating))
    for unit, descendants in zip(evaluating, sizes, strict=False):
        yield _row(unit.code, unit.name, ROOT_CODE, unit.kind, unit.sector, evaluating=True)
        if descendants:
            yield from _subtree(rng, _role_of(unit), unit.code, unit.label, descendants, 1)


# --- The demo city ------------------------------------------------------------------------------
# Codes the demo accounts and the tests rely on; test_generate checks each against its name.
DEMO_UNITS: dict[str, str] = {
    "root": ROOT_CODE,
    "shinan": "370202",
    "jinhulu": "37020209",
    "taizhoulu_branch": "370202090105",
    "laixi": "370285",
    "jiangshan_branch": "3702851501",
    "sasac": "3702A3",
    "chengtou": "3702A301",
    "xucun": "3702110701",
    "cac": "3702A106",
}

CITY_AGENCIES = _words("""
中共青岛市委办公厅 中共青岛市委组织部 中共青岛市委宣传部 中共青岛市委统战部 中共青岛市委政法委
中共青岛市委网信办 青岛市人民政府办公厅 青岛市发展和改革委员会 青岛市教育局 青岛市科学技术局
青岛市工业和信息化局 青岛市公安局 青岛市民政局 青岛市司法局 青岛市财政局
青岛市人力资源和社会保障局 青岛市自然资源和规划局 青岛市生态环境局 青岛市住房和城乡建设局
青岛市城市管理局 青岛市交通运输局 青岛市水务管理局 青岛市农业农村局 青岛市商务局
青岛市文化和旅游局 青岛市卫生健康委员会 青岛市退役军人事务局 青岛市应急管理局 青岛市审计局
青岛市市场监督管理局 青岛市统计局 青岛市医疗保障局 青岛市行政审批服务局 青岛市大数据发展管理局
国家税务总局青岛市税务局 青岛市中级人民法院 青岛市人民检察院 青岛市总工会 共青团青岛市委
青岛市妇女联合会
""")
LAIXI_TAX_BRANCHES = _words("""
水集税务所 望城税务所 沽河税务所 院上税务所 店埠税务所 南墅税务所 机关第一 机关第二 离退休干部
""")


class _DemoCity:
    """The demo tree, built top-down: each unit's children are numbered 01, 02, … as added."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.rng = random.Random(20220711)  # the day of the article's arena
        self._children: dict[str, int] = {}

    def add(self, parent: str, name: str, kind: str, sector: str, secretary: str = "") -> str:
        count = self._children.get(parent, 0) + 1
        self._children[parent] = count
        code = f"{parent}{count:02d}"
        secretary = secretary or self.rng.choice(SECRETARIES)
        self.rows.append(_row(code, name, parent, kind, sector, secretary))
        return code

    def branches(self, parent: str, label: str, count: int, leaf: LeafNamer, sector: str) -> None:
        for i in range(count):
            self.add(parent, leaf(label, i, self.rng.getrandbits(30)), BRANCH, sector)

    def between(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


def _demo_communities(city: _DemoCity, street: str, label: str) -> None:
    for i in range(city.between(3, 5)):
        community = f"{label}{_community(label, i)}"
        if label == "金湖路街道" and i == 0:
            # The article's branch is the fifth of 泰州路社区's grids.
            community = "金湖路街道泰州路社区"
            code = city.add(street, community + COMMITTEE, COMMITTEE, URBAN)
            for n in range(1, 5):
                city.add(code, f"{community}第{CN[n]}网格党支部", BRANCH, URBAN)
            city.add(code, f"{community}第五网格泰州路居民区党支部", BRANCH, URBAN, "郑素秀")
            continue
        code = city.add(street, community + COMMITTEE, COMMITTEE, URBAN)
        city.branches(code, community, city.between(2, 4), _community_leaf, URBAN)


def _demo_villages(city: _DemoCity, town: str, label: str) -> None:
    first = 0
    if label == "黄岛区王台街道":
        code = city.add(town, "黄岛区王台街道徐村党委", COMMITTEE, RURAL, "韩宗祥")
        city.branches(code, "黄岛区王台街道徐村", 3, _village_leaf, RURAL)
        first = 1
    for i in range(first, city.between(7, 11)):
        village = label + VILLAGES[_spread(label, i, len(VILLAGES))]
        if city.rng.random() < 0.2:  # a big village: a committee over several branches
            code = city.add(town, village + COMMITTEE, COMMITTEE, RURAL)
            city.branches(code, village, city.between(2, 3), _village_leaf, RURAL)
        else:
            city.add(town, village + BRANCH, BRANCH, RURAL)
    city.add(town, f"{label}机关党支部", BRANCH, RURAL)


def _demo_district(city: _DemoCity, unit: EvaluatingUnit) -> None:
    label = unit.label
    for name, rural in DISTRICT_UNITS[label]:
        kind = WORKING_COMMITTEE if name.endswith("街道") else COMMITTEE
        code = city.add(unit.code, name + kind, kind, RURAL if rural else URBAN)
        if rural:
            # 黄岛区's village names carry the district, as the article writes 黄岛区王台街道徐村.
            _demo_villages(city, code, ("黄岛区" if label == "黄岛区" else "") + name)
        else:
            _demo_communities(city, code, name)
    organ = city.add(unit.code, f"{label}直机关工委", WORK_COMMITTEE, AGENCY)
    for i in range(3):
        agency = label + _distinct(AGENCIES, label, i)
        code = city.add(organ, f"{agency}机关党委", COMMITTEE, AGENCY)
        city.branches(code, agency, 2, _agency_leaf, AGENCY)
    education = city.add(unit.code, f"{label}教育和体育局党委", COMMITTEE, SCHOOL)
    city.branches(education, label, 3, _district_school_leaf, SCHOOL)
    non_public = city.add(unit.code, f"{label}委两新工委", WORK_COMMITTEE, NON_PUBLIC)
    city.branches(non_public, label, 3, _firm_leaf, NON_PUBLIC)
    if label == "莱西市":
        _demo_laixi_tax(city, unit.code)
    if label == "崂山区":
        _demo_laoshan_companies(city, unit.code)


def _demo_laixi_tax(city: _DemoCity, district: str) -> None:
    bureau = city.add(district, "莱西市税务局党委", COMMITTEE, AGENCY)
    city.add(bureau, "莱西市税务局姜山税务所党支部", BRANCH, AGENCY, "全胜文")
    for name in LAIXI_TAX_BRANCHES:
        city.add(bureau, f"莱西市税务局{name}党支部", BRANCH, AGENCY)


def _demo_laoshan_companies(city: _DemoCity, district: str) -> None:
    # The two companies whose secretaries the article quotes at 崂山区's state-enterprise arena.
    assets = city.add(district, "崂山区国资局党委", COMMITTEE, STATE)
    chips = city.add(assets, "青岛微电子创新中心有限公司党总支", GENERAL_BRANCH, STATE)
    city.add(chips, "青岛微电子创新中心有限公司第一党支部", BRANCH, STATE, "张翠玉")
    city.add(chips, "青岛微电子创新中心有限公司第二党支部", BRANCH, STATE)
    wealth = city.add(assets, "全球财富开发建设有限公司党委", COMMITTEE, STATE)
    city.add(wealth, "全球财富开发建设有限公司综合党支部", BRANCH, STATE, "黄俊德")
    for name in ("工程建设", "招商服务", "物业运营"):
        city.add(wealth, f"全球财富开发建设有限公司{name}党支部", BRANCH, STATE)
    for name in ("青岛崂山科技创新发展集团有限公司", "青岛崂山文化旅游集团有限公司"):
        code = city.add(assets, name + COMMITTEE, COMMITTEE, STATE)
        city.branches(code, name, 3, _company_leaf, STATE)


def _demo_agencies(city: _DemoCity, committee: str) -> None:
    for agency in CITY_AGENCIES:
        code = city.add(committee, f"{agency}机关党委", COMMITTEE, AGENCY)
        label = agency.removeprefix("中共")
        city.branches(code, label, city.between(3, 7), _agency_leaf, AGENCY)


def _demo_schools(city: _DemoCity, committee: str) -> None:
    for university in UNIVERSITIES:
        code = city.add(committee, university + COMMITTEE, COMMITTEE, SCHOOL)
        for i in range(city.between(3, 4)):
            college = university + _distinct(COLLEGES, university, i)
            college_code = city.add(code, college + COMMITTEE, COMMITTEE, SCHOOL)
            city.branches(college_code, college, city.between(2, 4), _college_leaf, SCHOOL)
    for school in SCHOOLS:
        code = city.add(committee, school + COMMITTEE, COMMITTEE, SCHOOL)
        city.branches(code, school, city.between(3, 6), _school_leaf, SCHOOL)


def _demo_groups(city: _DemoCity, committee: str) -> None:
    for group in GROUPS:
        code = city.add(committee, group + COMMITTEE, COMMITTEE, STATE)
        city.branches(code, group, city.between(1, 2), _company_leaf, STATE)
        for i in range(city.between(3, 5)):
            name, label, kind = _company(group, i, city.rng, 3)
            company = city.add(code, name, kind, STATE)
            city.branches(company, label, city.between(2, 4), _company_leaf, STATE)


def _demo_non_public(city: _DemoCity, committee: str) -> None:
    for industry in NP_INDUSTRIES:
        label = CITY_LABEL + industry
        code = city.add(committee, label + COMMITTEE, COMMITTEE, NON_PUBLIC)
        for _ in range(city.between(3, 6)):
            firm = _firm(label, city.rng.getrandbits(30))
            if city.rng.random() < 0.6:  # most firms have a single branch
                city.add(code, firm + BRANCH, BRANCH, NON_PUBLIC)
            else:
                firm_code = city.add(code, firm + GENERAL_BRANCH, GENERAL_BRANCH, NON_PUBLIC)
                city.branches(firm_code, firm, city.between(2, 3), _numbered_leaf, NON_PUBLIC)


def demo_rows() -> list[Row]:
    """The demo city: about 3,000 units in all six sectors, the article's units among them."""
    city = _DemoCity()
    city.rows.append(_row(ROOT_CODE, ROOT_NAME, "", COMMITTEE, OTHER))
    for unit in EVALUATING:
        city.rows.append(
            _row(unit.code, unit.name, ROOT_CODE, unit.kind, unit.sector, evaluating=True)
        )
    builders = {
        "city_organ": _demo_agencies,
        "city_edu": _demo_schools,
        "city_soe": _demo_groups,
        "city_np": _demo_non_public,
    }
    for unit in EVALUATING:
        if unit.role == "district":
            _demo_district(city, unit)
        else:
            builders[unit.role](city, unit.code)
    return city.rows


# --- A unit's facts (founding month, members, party groups) for the demo city -------------------

FACT_HEADERS_ZH: list[str] = ["成立时间", "党员人数", "是否设党小组"]
# Qingdao's city committee dates from the city's liberation (June 1949).
ROOT_FOUNDED = (1949, 6)
# Members of a branch, by sector: (fewest, most) before the occasional outlier.
BRANCH_MEMBERS = {
    RURAL: (12, 70),
    URBAN: (6, 45),
    STATE: (8, 50),
    NON_PUBLIC: (3, 25),
    AGENCY: (5, 40),
    SCHOOL: (8, 55),
    OTHER: (5, 30),
}


def _months(year: int, month: int) -> int:
    return year * 12 + month - 1


def with_facts(rows: list[Row], today: tuple[int, int, int]) -> list[Row]:
    """The rows with the import's three fact columns (FACT_HEADERS_ZH) appended.

    Drawn from their own generator, so names and codes stay those of `demo_rows()`. A unit is
    founded after its parent, over the decades since 1949, a few within the last year; branches
    have members fitting their sector, general branches and committees the sum below them; most
    branches of ten or more members have party groups, small ones seldom; about one unit in
    twenty leaves a fact unknown. `today` is (year, month, day): nothing is founded after it.
    """
    rng = random.Random(19490602)
    now = _months(today[0], today[1])
    founded: dict[str, int] = {}
    for code, _name, parent, kind, _sector, _secretary, _evaluating in rows:
        if not parent:
            founded[code] = _months(*ROOT_FOUNDED)
            continue
        start = founded[parent] + 1
        if kind == BRANCH and rng.random() < 0.03:  # a new branch, within the last year
            founded[code] = max(start, now - rng.randint(0, 11))
        else:
            # Branches are founded, split and merged all the time; committees mostly long ago.
            age = (now - _months(1950, 1)) * rng.random() ** (1.2 if kind == BRANCH else 0.6)
            # Rarely within the last year but for the few above: at least a year old.
            founded[code] = min(max(start, now - 12 - int(age)), now)
    members: dict[str, int] = {}
    for code, _name, parent, kind, sector, _secretary, _evaluating in reversed(rows):
        own = members.get(code, 0)
        if kind == BRANCH:
            low, high = BRANCH_MEMBERS.get(sector, BRANCH_MEMBERS[OTHER])
            own = rng.randint(low, high) if rng.random() > 0.05 else rng.randint(high, high * 3)
        elif kind == GENERAL_BRANCH:
            own += rng.randint(0, 6)  # the general branch's committee members sit in branches too
        members[code] = own
        if parent:
            members[parent] = members.get(parent, 0) + own
    result: list[Row] = []
    for row in rows:
        code, kind = row[0], row[3]
        month = founded[code]
        founded_text = f"{month // 12}-{month % 12 + 1:02d}"
        members_text = str(members[code])
        groups = ""
        if kind in (BRANCH, GENERAL_BRANCH):
            groups = YES if rng.random() < (0.85 if members[code] >= 10 else 0.1) else NO
        unknown = rng.random()
        if unknown < 0.02:
            founded_text = ""
        elif unknown < 0.04:
            members_text = ""
        elif unknown < 0.06:
            groups = ""
        result.append([*row, founded_text, members_text, groups])
    return result


def streamed_facts(rows: Iterator[Row], today: tuple[int, int, int]) -> Iterator[Row]:
    """`rows` with the three fact columns appended, streamed (`leitai gen-orgs --facts`).

    Founding months and party groups as `with_facts` draws them; members cannot be the sum of
    the subtree (a parent is written before its children), so a branch draws its own by sector
    and a general branch or committee draws a total in a range fitting its kind. Holds one int
    per unit seen (its founding month), a few tens of MiB at a million units.
    """
    rng = random.Random(19490602)
    now = _months(today[0], today[1])
    founded: dict[str, int] = {}
    for row in rows:
        code, parent, kind, sector = row[0], row[2], row[3], row[4]
        if not parent:
            month = _months(*ROOT_FOUNDED)
        elif kind == BRANCH and rng.random() < 0.03:
            month = max(founded[parent] + 1, now - rng.randint(0, 11))
        else:
            age = (now - _months(1950, 1)) * rng.random() ** (1.2 if kind == BRANCH else 0.6)
            month = min(max(founded[parent] + 1, now - 12 - int(age)), now)
        founded[code] = month
        if kind == BRANCH:
            low, high = BRANCH_MEMBERS.get(sector, BRANCH_MEMBERS[OTHER])
            members = rng.randint(low, high) if rng.random() > 0.05 else rng.randint(high, high * 3)
        elif kind == GENERAL_BRANCH:
            members = rng.randint(20, 200)
        else:
            members = rng.randint(50, 5_000)
        groups = ""
        if kind in (BRANCH, GENERAL_BRANCH):
            groups = YES if rng.random() < (0.85 if members >= 10 else 0.1) else NO
        founded_text, members_text = f"{month // 12}-{month % 12 + 1:02d}", str(members)
        unknown = rng.random()
        if unknown < 0.02:
            founded_text = ""
        elif unknown < 0.04:
            members_text = ""
        elif unknown < 0.06:
            groups = ""
        yield [*row, founded_text, members_text, groups]
