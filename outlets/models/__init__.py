"""The outlets' tables: the catalog (service_types.py), an outlet with its calendar and bays
(outlet.py), its staff (membership.py) and the version its triggers count (version.py)."""

from .membership import OutletMembership
from .outlet import Bay, Closure, OpeningHours, Outlet, validate_time_zone
from .service_types import Amenity, Capability, ServiceType, capability_labels
from .version import OutletVersion

__all__ = [
    "Amenity",
    "Bay",
    "Capability",
    "Closure",
    "OpeningHours",
    "Outlet",
    "OutletMembership",
    "OutletVersion",
    "ServiceType",
    "capability_labels",
    "validate_time_zone",
]
