"""The demo network's outlets as data: kinds, places (in both languages), brands and amenities;
their hours and bays come from a template each (demo.outlet_templates)."""

from __future__ import annotations

from dataclasses import dataclass

from outlets.models import Amenity, Outlet

ALL_BRANDS = ("AITO", "LUXEED", "STELATO", "MAEXTRO", "SHANGJIE")

# Cities and provinces of the demo network, in Chinese.
PLACES_ZH = {
    "Shanghai": "上海",
    "Shenzhen": "深圳",
    "Guangdong": "广东",
    "Beijing": "北京",
    "Chongqing": "重庆",
    "Hefei": "合肥",
    "Anhui": "安徽",
    "Hangzhou": "杭州",
    "Zhejiang": "浙江",
    "Munich": "慕尼黑",
    "Bavaria": "巴伐利亚",
}

# Express points take quick jobs only: no repairs, bodywork or lidar work.
EXPRESS_CATEGORIES = {"maintenance", "tyre", "diagnostics", "battery", "recall", "software"}
# …and short ones: the 90-minute annual maintenance belongs in a service centre.
EXPRESS_MAX_MINUTES = 60

ALL_AMENITIES = [a.value for a in Amenity]
CENTRE, FLAGSHIP, EXPRESS = Outlet.Kind.SERVICE_CENTRE, Outlet.Kind.FLAGSHIP, Outlet.Kind.EXPRESS


@dataclass(frozen=True)
class OutletSpec:
    code: str
    name: str
    name_zh: str
    kind: str
    template: str  # hours and bays
    address: str
    city: str
    province: str
    lat: str
    lng: str
    phone: str
    brands: tuple[str, ...] = ALL_BRANDS
    amenities: tuple[str, ...] = ()
    night_capacity: int = 0  # > 0: Starry Night Service
    slot_step: int = 30
    turnover: int = 10
    time_zone: str = "Asia/Shanghai"
    country: str = "CN"
    currency: str = "CNY"
    address_zh: str = ""

    @property
    def city_zh(self) -> str:
        return PLACES_ZH.get(self.city, "")

    @property
    def province_zh(self) -> str:
        return PLACES_ZH.get(self.province, "")


OUTLETS = [
    OutletSpec(
        "SH-PUDONG-01",
        "HIMA Harmony Space Pudong",
        "鸿蒙智行 上海浦东旗舰店",
        FLAGSHIP,
        "flagship",
        "1288 Lujiazui Ring Road, Pudong New Area",
        "Shanghai",
        "Shanghai",
        "31.239700",
        "121.499800",
        "+86 21 6888 0101",
        address_zh="浦东新区陆家嘴环路1288号",
        amenities=tuple(ALL_AMENITIES),
        night_capacity=6,
    ),
    OutletSpec(
        "SH-MINHANG-01",
        "HIMA Service Centre Minhang",
        "鸿蒙智行用户中心 上海闵行",
        CENTRE,
        "centre",
        "2888 Humin Road, Minhang District",
        "Shanghai",
        "Shanghai",
        "31.112000",
        "121.381000",
        "+86 21 5488 0202",
        address_zh="闵行区沪闵路2888号",
        amenities=(Amenity.CHARGING, Amenity.DINING),
    ),
    OutletSpec(
        "SH-JIADING-EX",
        "HIMA Express Anting",
        "鸿蒙智行 安亭快修点",
        EXPRESS,
        "express",
        "1100 Moyu Road, Anting Town, Jiading District",
        "Shanghai",
        "Shanghai",
        "31.293000",
        "121.165000",
        "+86 21 3958 0303",
        address_zh="嘉定区安亭镇墨玉路1100号",
        amenities=(Amenity.CHARGING,),
        slot_step=15,
        turnover=5,
    ),
    OutletSpec(
        "SZ-NANSHAN-01",
        "HIMA Harmony Space Shenzhen Bay",
        "鸿蒙智行 深圳湾旗舰店",
        FLAGSHIP,
        "flagship",
        "2388 Houhaibin Road, Nanshan District",
        "Shenzhen",
        "Guangdong",
        "22.517000",
        "113.944000",
        "+86 755 8666 0401",
        address_zh="南山区后海滨路2388号",
        amenities=tuple(ALL_AMENITIES),
        night_capacity=4,
    ),
    OutletSpec(
        "SZ-LONGGANG-01",
        "HIMA Service Centre Bantian",
        "鸿蒙智行用户中心 深圳坂田",
        CENTRE,
        "centre",
        "36 Xuegang Road, Bantian, Longgang District",
        "Shenzhen",
        "Guangdong",
        "22.638000",
        "114.062000",
        "+86 755 2888 0402",
        address_zh="龙岗区坂田雪岗路36号",
        amenities=(Amenity.CHARGING, Amenity.KIDS_AREA),
    ),
    OutletSpec(
        "BJ-CHAOYANG-01",
        "HIMA Service Centre Jiuxianqiao",
        "鸿蒙智行用户中心 北京酒仙桥",
        CENTRE,
        "centre",
        "18 Jiuxianqiao Road, Chaoyang District",
        "Beijing",
        "Beijing",
        "39.973000",
        "116.493000",
        "+86 10 6433 0501",
        address_zh="朝阳区酒仙桥路18号",
        amenities=(Amenity.CHARGING, Amenity.DINING, Amenity.BUSINESS_LOUNGE),
    ),
    OutletSpec(
        # BAIC builds the Stelato in Beijing: an executive-sedan centre for Stelato and Maextro.
        "BJ-YIZHUANG-01",
        "Stelato & Maextro Executive Centre Yizhuang",
        "享界·尊界 行政服务中心 北京亦庄",
        CENTRE,
        "centre",
        "9 Kechuang 6th Street, Beijing Economic-Technological Development Area",
        "Beijing",
        "Beijing",
        "39.788000",
        "116.528000",
        "+86 10 6788 0502",
        address_zh="北京经济技术开发区科创六街9号",
        brands=("STELATO", "MAEXTRO"),
        amenities=(Amenity.BUSINESS_LOUNGE, Amenity.CHARGING),
    ),
    OutletSpec(
        "CQ-JIEFANGBEI-01",
        "HIMA Harmony Space Jiefangbei",
        "鸿蒙智行 重庆解放碑旗舰店",
        FLAGSHIP,
        "flagship",
        "88 Minzu Road, Yuzhong District",
        "Chongqing",
        "Chongqing",
        "29.558000",
        "106.577000",
        "+86 23 6388 0601",
        address_zh="渝中区民族路88号",
        amenities=(Amenity.DINING, Amenity.KIDS_AREA, Amenity.CHARGING),
        night_capacity=3,
    ),
    OutletSpec(
        # Next to Seres' plant: the AITO factory service centre.
        "CQ-LIANGJIANG-01",
        "AITO Factory Service Centre Liangjiang",
        "问界工厂服务中心 重庆两江",
        CENTRE,
        "centre",
        "1 Jinshan Avenue, Liangjiang New Area, Yubei District",
        "Chongqing",
        "Chongqing",
        "29.672000",
        "106.531000",
        "+86 23 6788 0602",
        address_zh="渝北区两江新区金山大道1号",
        brands=("AITO",),
        amenities=(Amenity.CHARGING,),
    ),
    OutletSpec(
        "HF-BAOHE-01",
        "HIMA Service Centre Baohe",
        "鸿蒙智行用户中心 合肥包河",
        CENTRE,
        "centre",
        "1688 Ma'anshan Road, Baohe District",
        "Hefei",
        "Anhui",
        "31.811000",
        "117.304000",
        "+86 551 6388 0701",
        address_zh="包河区马鞍山路1688号",
        amenities=(Amenity.CHARGING, Amenity.DINING),
    ),
    OutletSpec(
        # JAC builds the Maextro in Hefei: a Maextro-only house with every comfort.
        "HF-MAEXTRO-01",
        "Maextro House Hefei",
        "尊界之家 合肥",
        FLAGSHIP,
        "flagship",
        "2299 Feicui Road, Hefei Economic and Technological Development Area",
        "Hefei",
        "Anhui",
        "31.771000",
        "117.215000",
        "+86 551 6566 0702",
        address_zh="合肥经济技术开发区翡翠路2299号",
        brands=("MAEXTRO",),
        amenities=tuple(ALL_AMENITIES),
        night_capacity=2,
        slot_step=60,
        turnover=20,
    ),
    OutletSpec(
        "HZ-BINJIANG-01",
        "HIMA Service Centre Binjiang",
        "鸿蒙智行用户中心 杭州滨江",
        CENTRE,
        "centre",
        "3688 Jiangnan Avenue, Binjiang District",
        "Hangzhou",
        "Zhejiang",
        "30.208000",
        "120.211000",
        "+86 571 8688 0801",
        address_zh="滨江区江南大道3688号",
        amenities=(Amenity.CHARGING, Amenity.KIDS_AREA),
    ),
    OutletSpec(
        "HZ-XIHU-EX",
        "HIMA Express Wensan Road",
        "鸿蒙智行 杭州文三路快修点",
        EXPRESS,
        "express",
        "478 Wensan Road, Xihu District",
        "Hangzhou",
        "Zhejiang",
        "30.281000",
        "120.140000",
        "+86 571 8766 0802",
        address_zh="西湖区文三路478号",
        slot_step=15,
        turnover=5,
    ),
    OutletSpec(
        # The alliance sells abroad; Munich is on Central European (Summer) Time.
        "DE-MUNICH-01",
        "HIMA Service Munich",
        "鸿蒙智行 慕尼黑服务中心",
        CENTRE,
        "europe",
        "Landsberger Straße 300, 80687 München",
        "Munich",
        "Bavaria",
        "48.141800",
        "11.503000",
        "+49 89 2000 8800",
        address_zh="慕尼黑兰茨贝格大街300号（邮编80687）",
        brands=("AITO", "LUXEED"),
        amenities=(Amenity.CHARGING,),
        turnover=15,
        time_zone="Europe/Berlin",
        country="DE",
        currency="EUR",
    ),
]
