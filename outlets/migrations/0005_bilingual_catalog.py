"""Catalog and outlet data in both languages: a Chinese field beside each English one that a
page shows (address, city, province, bay name, checklist), and the standard catalog's checklists
in Chinese, item for item."""

from django.db import migrations, models

CHECKLISTS_ZH = {
    "mnt-annual": [
        "读取故障码及保养记录",
        "更换空调滤芯",
        "检测制动液含水量",
        "检查冷却液液位及冰点",
        "检查悬架、转向球头及传动轴防尘套",
        "检查胎压、胎纹深度及磨损形态",
        "路试并重置保养提醒",
    ],
    "mnt-erev-oil": [
        "排放增程器发动机机油",
        "更换机油滤清器及放油螺栓垫片",
        "按规格加注 0W-20 机油并检查油位",
        "到期时更换发动机空气滤清器",
        "检查有无漏油",
        "重置机油寿命监测",
    ],
    "mnt-brake-fluid": [
        "从储液罐抽出旧制动液",
        "按顺序为四个卡钳排气",
        "加注 DOT 4 制动液至 MAX 刻度",
        "检查踏板感觉及制动警告灯",
    ],
    "mnt-ac-service": [
        "回收并称量制冷剂",
        "对管路抽真空并检漏",
        "按规格加注制冷剂",
        "清洁蒸发器并更换空调滤芯",
        "测量出风口温度",
    ],
    "rep-brake-pads": [
        "测量刹车片厚度及制动盘跳动量",
        "更换刹车片及磨损传感器",
        "清洁并润滑卡钳导销",
        "按规定扭矩紧固车轮螺栓",
        "路试磨合刹车片",
    ],
    "rep-suspension": [
        "在举升机上确认故障",
        "更换摆臂或衬套",
        "在标准车身高度下按扭矩紧固",
        "检查空气悬架高度标定",
        "路试检查异响及跑偏",
    ],
    "dgn-full-scan": [
        "扫描所有控制单元的故障码",
        "记录冻结帧数据",
        "检查 12V 及高压绝缘值",
        "向车主说明检测结果",
    ],
    "dgn-noise": [
        "与车主一起路试再现异响",
        "用底盘听诊器定位异响",
        "检查悬置、衬套及饰板卡扣",
        "记录原因及维修报价",
    ],
    "tyr-rotation": [
        "测量每个车轮的胎纹深度",
        "按驱动形式规定的方式换位",
        "四轮动平衡",
        "设定胎压并重新学习胎压传感器",
    ],
    "tyr-replace-set": [
        "对照标牌核对轮胎规格、载重及速度等级",
        "安装轮胎及新气门芯",
        "四轮动平衡",
        "按规定扭矩紧固车轮螺栓",
        "重新学习胎压传感器",
    ],
    "tyr-alignment": [
        "打印调整前数据",
        "按规格调整前束及外倾角",
        "摆正方向盘并标定转角传感器",
        "打印调整后数据交给车主",
    ],
    "bat-health": [
        "读取健康度及单体电压差",
        "测试绝缘电阻",
        "检查电池包壳体及底部护板",
        "检查高压连接器及维修开关",
        "向车主报告电池健康度",
    ],
    "bat-coolant": [
        "排空电池冷却回路",
        "真空加注认可的冷却液",
        "运行水泵排气程序",
        "检查电池包接口有无泄漏",
        "确认热管理系统无故障码",
    ],
    "bat-12v": [
        "用记忆保持器保存车辆设置",
        "更换 12V 蓄电池",
        "在蓄电池传感器中登记新电池",
        "检查故障码",
    ],
    "adas-cam-cal": [
        "检查车身高度及胎压",
        "在规定距离摆放标定靶",
        "进行前视摄像头静态标定",
        "标定前向毫米波雷达",
        "路试验证车道保持及巡航",
    ],
    "adas-lidar-cal": [
        "清洁激光雷达视窗并检查有无损伤",
        "将车辆停放到标定平台上",
        "进行激光雷达外参标定",
        "将点云与摄像头图像交叉核对",
        "路试验证智驾功能可用",
    ],
    "body-dent": [
        "拍照并标记凹陷",
        "拆开板件背面的通道",
        "将凹陷推平",
        "在反光板下检查",
    ],
    "body-panel-paint": [
        "匹配颜色代码并喷涂试色卡",
        "打磨、上底漆并遮蔽板件",
        "在烤漆房喷涂色漆及清漆",
        "烘烤后抛光去除尘点",
        "在自然光下检查漆面",
        "如附近传感器受影响则重新标定",
    ],
    "rcl-campaign": [
        "确认该车架号在召回范围内",
        "按技术通报执行作业",
        "记录所用零件及批次号",
        "将该车架号的召回标记为已完成",
    ],
    "rcl-hv-connector": [
        "确认该车架号在召回范围内",
        "断开高压系统",
        "按技术通报检查并重新紧固连接器",
        "测量绝缘电阻",
        "记录召回已完成",
    ],
    "sw-ota-assist": [
        "连接 12V 辅助充电器",
        "安装已发布的软件包",
        "检查每个已升级控制单元的版本",
        "恢复车主的个人配置及设置",
    ],
    "sw-ads-upgrade": [
        "读取智驾系统版本及故障日志",
        "安装已发布的智驾软件包",
        "升级后验证各传感器",
        "向车主演示新功能",
    ],
}


def load(apps, schema_editor):
    ServiceType = apps.get_model("outlets", "ServiceType")
    for service in ServiceType.objects.filter(code__in=CHECKLISTS_ZH):
        chinese = CHECKLISTS_ZH[service.code]
        # An edited checklist no longer matches the standard's items: leave it for its editor.
        if len(chinese) == len(service.checklist) and not service.checklist_zh:
            service.checklist_zh = chinese
            service.save(update_fields=["checklist_zh"])


class Migration(migrations.Migration):
    dependencies = [("outlets", "0004_outlet_currency")]

    operations = [
        migrations.AddField(
            model_name="bay",
            name="name_zh",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddField(
            model_name="outlet",
            name="address_zh",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="outlet",
            name="city_zh",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="outlet",
            name="province_zh",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="servicetype",
            name="checklist_zh",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The same items in Chinese, in the same order (empty: shown in English).",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
