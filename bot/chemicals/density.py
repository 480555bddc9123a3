"""Liquid densities near 20 C (g/mL) from ChEDL's offline data (the `chemicals` package), for the library build.

Sources, best first (each used only inside the temperature range it was fitted for):
1. VDI Heat Atlas PPDS saturated-liquid density equation (`VDI PPDS Density of Saturated Liquids.tsv`);
2. Perry's Handbook 8th ed. table 2-32, DIPPR equation 105 (`Perry Parameters 105.tsv`);
3. CRC Handbook constant liquid densities of inorganic compounds (`CRC Liquid Inorganic Constant Densities.tsv`);
4. COSTALD with fitted characteristic volumes (`COSTALD Parameters.tsv`, Hankinson & Thomson);
5. COSTALD from the critical temperature, critical volume and acentric factor in ChEDL (an estimate, usually
   within a few percent), only well below the critical temperature.
A value outside 0.3-25 g/mL is dropped as a data or unit error.
"""
from __future__ import annotations

import math
from typing import Iterable, Optional

T_REF = 293.15  # 20 C
_MIN, _MAX = 0.3, 25.0

SOURCE_LABELS = {
    "vdi": "VDI Heat Atlas (PPDS equation) via ChEDL",
    "perry": "Perry's Handbook DIPPR 105 fit via ChEDL",
    "crc": "CRC Handbook inorganic liquid density via ChEDL",
    "costald": "COSTALD (fitted parameters) via ChEDL",
    "costald-est": "COSTALD estimate from critical constants via ChEDL",
}


def _ok(value: Optional[float]) -> Optional[float]:
    if value is None or not math.isfinite(value) or not (_MIN <= value <= _MAX):
        return None
    return round(value, 4)


def liquid_densities(items: Iterable[tuple[str, Optional[float]]], temperature: float = T_REF,
                     estimate: bool = True) -> dict[str, tuple[float, str]]:
    """{CAS: (g/mL, source key)} for the (CAS, molecular weight g/mol) pairs that have data.

    `estimate=False` skips the COSTALD estimate from critical constants (source 5).
    """
    from chemicals import volume
    from chemicals.dippr import EQ105

    volume._load_rho_data()
    vdi = volume.rho_data_VDI_PPDS_2
    perry = volume.rho_data_Perry_8E_105_l
    crc = volume.rho_data_CRC_inorg_l_const
    cost = volume.rho_data_COSTALD
    out: dict[str, tuple[float, str]] = {}
    for cas, mw in items:
        found: Optional[float] = None
        source = ""
        if cas in vdi.index:
            r = vdi.loc[cas]
            if temperature < float(r.Tc):
                vm = volume.volume_VDI_PPDS(temperature, float(r.Tc), float(r.rhoc), float(r.A), float(r.B),
                                            float(r.C), float(r.D), float(r.MW))
                found, source = _ok(float(r.MW) / vm / 1e6), "vdi"
        if found is None and mw and cas in perry.index:
            r = perry.loc[cas]
            if float(r.Tmin) <= temperature <= float(r.Tmax):
                rho_molar = EQ105(temperature, float(r.C1), float(r.C2), float(r.C3), float(r.C4))  # mol/m3
                found, source = _ok(rho_molar * mw / 1e6), "perry"
        if found is None and mw and cas in crc.index:
            found, source = _ok(mw / float(crc.at[cas, "Vm"]) / 1e6), "crc"
        if found is None and mw and (cas in cost.index or estimate):
            found, source = _costald(cas, mw, temperature, cost), "costald" if cas in cost.index else "costald-est"
        if found is not None:
            out[cas] = (found, source)
    return out


def _costald(cas: str, mw: float, temperature: float, cost) -> Optional[float]:  # type: ignore[no-untyped-def]
    from chemicals import acentric, critical
    from chemicals.volume import COSTALD

    try:
        tc = critical.Tc(cas)
        if cas in cost.index:
            vc, omega = float(cost.at[cas, "Vchar"]), float(cost.at[cas, "omega_SRK"])
        else:
            vc, omega = critical.Vc(cas), acentric.omega(cas)
        if not tc or not vc or omega is None or temperature >= 0.9 * tc:
            return None
        return _ok(mw / COSTALD(temperature, tc, vc, omega) / 1e6)
    except Exception:  # a compound without critical data
        return None
