"""The alliance-wide standard service catalog: one labour time, price and checklist everywhere.

Codes carry a category prefix (mnt-, rep-, dgn-, tyr-, bat-, adas-, body-, rcl-, sw-) so that
they read well on a repair order and never collide with codes made up by tests.
"""

from decimal import Decimal

from django.db import migrations, transaction
from django.db.models import ProtectedError

CATALOG = [
    # code, name, Chinese, category, labour minutes, capability, price CNY,
    # counts as maintenance, checklist
    (
        "mnt-annual",
        "Annual maintenance service",
        "年度定期保养",
        "maintenance",
        90,
        "general",
        "699.00",
        True,
        [
            "Read fault codes and service history",
            "Replace cabin air filter",
            "Test brake fluid water content",
            "Check coolant level and freeze protection",
            "Inspect suspension, steering joints and drive-shaft boots",
            "Check tyre pressure, tread depth and wear pattern",
            "Road test and reset the service reminder",
        ],
    ),
    (
        "mnt-erev-oil",
        "Range-extender oil and filter change",
        "增程器机油及机滤更换",
        "maintenance",
        60,
        "general",
        "459.00",
        True,
        [
            "Drain range-extender engine oil",
            "Replace oil filter and drain-plug washer",
            "Refill with 0W-20 to specification and check the level",
            "Replace engine air filter if due",
            "Inspect for oil leaks",
            "Reset the oil-life monitor",
        ],
    ),
    (
        "mnt-brake-fluid",
        "Brake fluid replacement",
        "制动液更换",
        "maintenance",
        45,
        "general",
        "299.00",
        False,
        [
            "Extract old fluid from the reservoir",
            "Bleed all four calipers in sequence",
            "Refill with DOT 4 fluid to the MAX mark",
            "Test pedal feel and the brake warning lamp",
        ],
    ),
    (
        "mnt-ac-service",
        "Air-conditioning and heat-pump service",
        "空调及热泵系统保养",
        "maintenance",
        60,
        "general",
        "399.00",
        False,
        [
            "Recover and weigh refrigerant",
            "Vacuum and leak test the circuit",
            "Recharge refrigerant to specification",
            "Clean the evaporator and replace the cabin filter",
            "Measure outlet temperature",
        ],
    ),
    (
        "rep-brake-pads",
        "Brake pad replacement (one axle)",
        "刹车片更换（单轴）",
        "repair",
        90,
        "general",
        "980.00",
        False,
        [
            "Measure pad thickness and disc run-out",
            "Replace pads and wear sensors",
            "Clean and lubricate caliper slides",
            "Torque wheel bolts to specification",
            "Bed in the pads on a road test",
        ],
    ),
    (
        "rep-suspension",
        "Suspension arm and bushing repair",
        "悬架摆臂及衬套维修",
        "repair",
        150,
        "general",
        "1680.00",
        False,
        [
            "Confirm the fault on the lift",
            "Replace the control arm or bushings",
            "Torque fasteners at ride height",
            "Check the air-suspension height calibration",
            "Road test for noise and pull",
        ],
    ),
    (
        "dgn-full-scan",
        "Full electronic diagnostics",
        "整车电子诊断",
        "diagnostics",
        45,
        "general",
        "199.00",
        False,
        [
            "Scan every control unit for fault codes",
            "Record freeze-frame data",
            "Check the 12 V and high-voltage isolation values",
            "Explain the findings to the owner",
        ],
    ),
    (
        "dgn-noise",
        "Noise and vibration diagnosis",
        "异响及抖动诊断",
        "diagnostics",
        60,
        "general",
        "299.00",
        False,
        [
            "Reproduce the noise with the owner on a road test",
            "Locate it with chassis ears",
            "Inspect mounts, bushings and trim clips",
            "Record the cause and a repair estimate",
        ],
    ),
    (
        "tyr-rotation",
        "Tyre rotation and balancing",
        "轮胎换位及动平衡",
        "tyre",
        45,
        "tyre",
        "199.00",
        False,
        [
            "Measure tread depth at each wheel",
            "Rotate tyres to the pattern for the drivetrain",
            "Balance all four wheels",
            "Set pressures and relearn TPMS sensors",
        ],
    ),
    (
        "tyr-replace-set",
        "Tyre fitting (set of four)",
        "轮胎更换安装（四条）",
        "tyre",
        60,
        "tyre",
        "320.00",
        False,
        [
            "Check tyre size, load and speed index against the placard",
            "Fit tyres and new valve cores",
            "Balance all four wheels",
            "Torque wheel bolts to specification",
            "Relearn TPMS sensors",
        ],
    ),
    (
        "tyr-alignment",
        "Four-wheel alignment",
        "四轮定位",
        "tyre",
        60,
        "tyre",
        "368.00",
        False,
        [
            "Print the before readings",
            "Adjust toe and camber to specification",
            "Centre the steering wheel and calibrate the angle sensor",
            "Print the after readings for the owner",
        ],
    ),
    (
        "bat-health",
        "High-voltage battery health check",
        "动力电池健康检测",
        "battery",
        60,
        "ev_battery",
        "299.00",
        False,
        [
            "Read state of health and cell voltage spread",
            "Test insulation resistance",
            "Inspect the pack casing and underbody guard",
            "Check the HV connectors and service plug",
            "Report state of health to the owner",
        ],
    ),
    (
        "bat-coolant",
        "Battery thermal-system coolant replacement",
        "电池热管理冷却液更换",
        "battery",
        90,
        "ev_battery",
        "680.00",
        False,
        [
            "Drain the battery cooling circuit",
            "Refill with approved coolant under vacuum",
            "Run the pump bleed routine",
            "Check for leaks at the pack connections",
            "Verify the thermal system has no fault codes",
        ],
    ),
    (
        "bat-12v",
        "12 V battery replacement",
        "12V低压蓄电池更换",
        "battery",
        30,
        "general",
        "850.00",
        False,
        [
            "Save the vehicle settings with a memory keeper",
            "Replace the 12 V battery",
            "Register the new battery with the battery sensor",
            "Check for fault codes",
        ],
    ),
    (
        "adas-cam-cal",
        "Front camera and radar calibration",
        "前视摄像头及毫米波雷达标定",
        "adas",
        90,
        "adas_calibration",
        "800.00",
        False,
        [
            "Check ride height and tyre pressures",
            "Set up the calibration target at the specified distance",
            "Run static calibration of the front camera",
            "Calibrate the front millimetre-wave radar",
            "Verify lane keeping and cruise on a road test",
        ],
    ),
    (
        "adas-lidar-cal",
        "Lidar calibration",
        "激光雷达标定",
        "adas",
        120,
        "adas_calibration",
        "1200.00",
        False,
        [
            "Clean the lidar window and check for damage",
            "Position the vehicle on the calibration platform",
            "Run the lidar extrinsic calibration",
            "Cross-check the point cloud against the camera",
            "Verify ADS availability on a road test",
        ],
    ),
    (
        "body-dent",
        "Paintless dent repair",
        "无痕凹陷修复",
        "bodywork",
        120,
        "body_paint",
        "600.00",
        False,
        [
            "Photograph and mark the dent",
            "Gain access behind the panel",
            "Massage the dent out",
            "Inspect under the reflection board",
        ],
    ),
    (
        "body-panel-paint",
        "Single-panel respray",
        "单面板喷漆",
        "bodywork",
        480,
        "body_paint",
        "1800.00",
        False,
        [
            "Match the colour code and spray a test card",
            "Sand, prime and mask the panel",
            "Apply base coat and clear coat in the booth",
            "Bake, then polish out dust nibs",
            "Check the finish in daylight",
            "Recalibrate nearby sensors if disturbed",
        ],
    ),
    (
        "rcl-campaign",
        "Recall campaign inspection and fix",
        "召回活动检查及整改",
        "recall",
        60,
        "general",
        "0.00",
        False,
        [
            "Confirm the VIN is in the campaign",
            "Carry out the bulletin procedure",
            "Record the parts used and their batch numbers",
            "Mark the campaign as completed for this VIN",
        ],
    ),
    (
        "rcl-hv-connector",
        "High-voltage connector recall inspection",
        "高压连接器召回检查",
        "recall",
        90,
        "ev_battery",
        "0.00",
        False,
        [
            "Confirm the VIN is in the campaign",
            "Isolate the high-voltage system",
            "Inspect and re-torque the connector to the bulletin",
            "Measure insulation resistance",
            "Record the campaign as completed",
        ],
    ),
    (
        "sw-ota-assist",
        "HarmonyOS cockpit software update (assisted)",
        "鸿蒙座舱软件升级（到店协助）",
        "software",
        45,
        "general",
        "0.00",
        False,
        [
            "Connect a 12 V support charger",
            "Install the released software package",
            "Check the version on every updated unit",
            "Restore the owner's profiles and settings",
        ],
    ),
    (
        "sw-ads-upgrade",
        "ADS intelligent-driving check and upgrade",
        "智驾系统检查与升级",
        "software",
        60,
        "adas_calibration",
        "0.00",
        False,
        [
            "Read the ADS version and fault log",
            "Install the released ADS package",
            "Verify the sensors after the update",
            "Demonstrate the new functions to the owner",
        ],
    ),
]


def load(apps, schema_editor):
    ServiceType = apps.get_model("outlets", "ServiceType")
    for code, name, name_zh, category, minutes, capability, price, maintenance, checklist in (
        CATALOG
    ):
        ServiceType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "category": category,
                "labour_minutes": minutes,
                "capability": capability,
                "price": Decimal(price),
                "counts_as_maintenance": maintenance,
                "checklist": checklist,
                "is_active": True,
            },
        )


def unload(apps, schema_editor):
    # Only the entries nothing refers to: a booked service is history and stays, retired.
    ServiceType = apps.get_model("outlets", "ServiceType")
    for service in ServiceType.objects.filter(code__in=[row[0] for row in CATALOG]):
        service.outlets.clear()
        try:
            with transaction.atomic():
                service.delete()
        except ProtectedError:
            service.is_active = False
            service.save(update_fields=["is_active"])


class Migration(migrations.Migration):
    dependencies = [("outlets", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
