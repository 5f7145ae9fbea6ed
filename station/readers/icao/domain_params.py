"""Elliptic-curve domain parameters of ICAO 9303-11 and the point arithmetic PACE needs.

``cryptography`` does ECDH/ECDSA on named curves but exposes no point addition, and the PACE
Generic Mapping (G~ = s·G + H) and the key agreement on G~ need exactly that; the ``ecdsa``
package supplies the curves (Brainpool included) and the Jacobian point arithmetic. Explicit
parameters found in DG14/DG15 are matched back to a named curve so ``cryptography`` can be used
for them wherever it knows the curve.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from asn1crypto import core, keys
from cryptography.hazmat.primitives.asymmetric import ec
from ecdsa import curves as ecdsa_curves
from ecdsa.ellipticcurve import INFINITY, CurveFp, PointJacobi

__all__ = [
    "STANDARDIZED_EC_IDS",
    "ECParameters",
    "Point",
    "UnsupportedDomainParameters",
    "ec_parameters_from_asn1",
    "ec_parameters_to_asn1",
    "named_ec_parameters",
    "standardized_parameters",
]

Point = PointJacobi


class UnsupportedDomainParameters(ValueError):
    """A parameter ID or curve this station does not implement."""


@dataclass(frozen=True, slots=True)
class ECParameters:
    """A prime-field curve with a generator of prime order ``order``.

    ``name`` is the standard name when the parameters are a known curve with its standard
    generator (then ``crypto_curve`` is set when ``cryptography`` supports it); a PACE-mapped
    domain keeps the curve and order but gets a new generator and no name.
    """

    curve: CurveFp
    generator: PointJacobi
    order: int
    cofactor: int = 1
    name: str | None = None
    oid: str | None = None

    @property
    def p(self) -> int:
        return int(self.curve.p())

    @property
    def a(self) -> int:
        return int(self.curve.a())

    @property
    def b(self) -> int:
        return int(self.curve.b())

    @property
    def field_size(self) -> int:
        """Length in bytes of a field element (and of an encoded coordinate)."""
        return (self.p.bit_length() + 7) // 8

    @property
    def crypto_curve(self) -> ec.EllipticCurve | None:
        if self.name is None:
            return None
        factory = _CRYPTOGRAPHY_CURVES.get(self.name)
        return factory() if factory else None

    # -- points ---------------------------------------------------------------------------

    def encode_point(self, point: PointJacobi) -> bytes:
        """Uncompressed SEC 1 encoding, 04 || X || Y, each coordinate padded to the field size."""
        if point == INFINITY:
            raise ValueError("point at infinity has no encoding")
        n = self.field_size
        return b"\x04" + int(point.x()).to_bytes(n, "big") + int(point.y()).to_bytes(n, "big")

    def decode_point(self, data: bytes) -> PointJacobi:
        """Parse an uncompressed point and check it lies on the curve (invalid-curve attacks)."""
        n = self.field_size
        if len(data) != 1 + 2 * n or data[0] != 0x04:
            raise ValueError("not an uncompressed point of this curve")
        x = int.from_bytes(data[1 : 1 + n], "big")
        y = int.from_bytes(data[1 + n :], "big")
        if x >= self.p or y >= self.p or not self.curve.contains_point(x, y):
            raise ValueError("point is not on the curve")
        return PointJacobi(self.curve, x, y, 1, self.order)

    def x_bytes(self, point: PointJacobi) -> bytes:
        return int(point.x()).to_bytes(self.field_size, "big")

    def multiply(self, scalar: int, point: PointJacobi | None = None) -> PointJacobi:
        result = (point if point is not None else self.generator) * scalar
        if result == INFINITY:
            raise ValueError("scalar multiplication gave the point at infinity")
        return result

    # -- keys -----------------------------------------------------------------------------

    def random_private(self) -> int:
        return 1 + secrets.randbelow(self.order - 1)

    def public_point(self, private: int) -> PointJacobi:
        return self.multiply(private)

    def shared_x(self, private: int, peer: PointJacobi) -> bytes:
        """ECDH (9303-11 §9.5.1): the x-coordinate of private·peer, field-size bytes."""
        return self.x_bytes(self.multiply(private * self.cofactor, peer))

    def with_generator(self, generator: PointJacobi) -> ECParameters:
        """The same curve and order with another generator (the PACE mapped domain)."""
        if generator == INFINITY:
            raise ValueError("mapped generator is the point at infinity")
        g = PointJacobi(self.curve, int(generator.x()), int(generator.y()), 1, self.order)
        return replace(self, generator=g, name=None, oid=None)

    def same_curve_and_generator(self, other: ECParameters) -> bool:
        return (
            (self.p, self.a, self.b, self.order) == (other.p, other.a, other.b, other.order)
            and self.generator.x() == other.generator.x()
            and self.generator.y() == other.generator.y()
        )


_CRYPTOGRAPHY_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "secp192r1": ec.SECP192R1,
    "secp224r1": ec.SECP224R1,
    "secp256r1": ec.SECP256R1,
    "secp384r1": ec.SECP384R1,
    "secp521r1": ec.SECP521R1,
    "brainpoolP256r1": ec.BrainpoolP256R1,
    "brainpoolP384r1": ec.BrainpoolP384R1,
    "brainpoolP512r1": ec.BrainpoolP512R1,
}

# Standard name -> the ecdsa package's curve; OIDs are the ones SubjectPublicKeyInfo uses.
_NAMED: dict[str, tuple[ecdsa_curves.Curve, str]] = {
    "secp192r1": (ecdsa_curves.NIST192p, "1.2.840.10045.3.1.1"),
    "secp224r1": (ecdsa_curves.NIST224p, "1.3.132.0.33"),
    "secp256r1": (ecdsa_curves.NIST256p, "1.2.840.10045.3.1.7"),
    "secp384r1": (ecdsa_curves.NIST384p, "1.3.132.0.34"),
    "secp521r1": (ecdsa_curves.NIST521p, "1.3.132.0.35"),
    "brainpoolP192r1": (ecdsa_curves.BRAINPOOLP192r1, "1.3.36.3.3.2.8.1.1.3"),
    "brainpoolP224r1": (ecdsa_curves.BRAINPOOLP224r1, "1.3.36.3.3.2.8.1.1.5"),
    "brainpoolP256r1": (ecdsa_curves.BRAINPOOLP256r1, "1.3.36.3.3.2.8.1.1.7"),
    "brainpoolP320r1": (ecdsa_curves.BRAINPOOLP320r1, "1.3.36.3.3.2.8.1.1.9"),
    "brainpoolP384r1": (ecdsa_curves.BRAINPOOLP384r1, "1.3.36.3.3.2.8.1.1.11"),
    "brainpoolP512r1": (ecdsa_curves.BRAINPOOLP512r1, "1.3.36.3.3.2.8.1.1.13"),
}

# 9303-11 §9.5.1, table of standardized domain parameters (IDs 0-2 are MODP groups, not offered).
STANDARDIZED_EC_IDS: dict[int, str] = {
    8: "secp192r1",
    9: "brainpoolP192r1",
    10: "secp224r1",
    11: "brainpoolP224r1",
    12: "secp256r1",
    13: "brainpoolP256r1",
    14: "brainpoolP320r1",
    15: "secp384r1",
    16: "brainpoolP384r1",
    17: "brainpoolP512r1",
    18: "secp521r1",
}

_cache: dict[str, ECParameters] = {}


def named_ec_parameters(name: str) -> ECParameters:
    """The named curve with its standard generator (generator precomputed once per process)."""
    cached = _cache.get(name)
    if cached is not None:
        return cached
    try:
        curve, oid = _NAMED[name]
    except KeyError:
        raise UnsupportedDomainParameters(f"curve {name} is not supported") from None
    g = curve.generator
    generator = PointJacobi(curve.curve, int(g.x()), int(g.y()), 1, curve.order, generator=True)
    params = ECParameters(curve.curve, generator, int(curve.order), 1, name, oid)
    _cache[name] = params
    return params


def standardized_parameters(param_id: int) -> ECParameters:
    """Domain parameters for a PACE/CA standardized parameter ID."""
    name = STANDARDIZED_EC_IDS.get(param_id)
    if name is None:
        kind = "MODP (DH) group" if param_id in (0, 1, 2) else "ID"
        raise UnsupportedDomainParameters(f"standardized domain parameter {kind} {param_id} is not supported")
    return named_ec_parameters(name)


def _match_named(params: ECParameters) -> ECParameters:
    for name in _NAMED:
        known = named_ec_parameters(name)
        if known.same_curve_and_generator(params):
            return known
    return params


def ec_parameters_from_asn1(domain: keys.ECDomainParameters) -> ECParameters:
    """From SubjectPublicKeyInfo parameters, named or explicit (explicit ones are matched to a name)."""
    if domain.name == "named":
        oid = domain.chosen.dotted
        for name, (_, known_oid) in _NAMED.items():
            if known_oid == oid:
                return named_ec_parameters(name)
        raise UnsupportedDomainParameters(f"named curve {oid} is not supported")
    if domain.name != "specified":
        raise UnsupportedDomainParameters("implicitly-CA EC parameters are not supported")
    spec = domain.chosen
    if spec["field_id"]["field_type"].native != "prime_field":
        raise UnsupportedDomainParameters("only prime-field curves are supported")
    prime = spec["field_id"]["parameters"]  # asn1crypto resolves it to an Integer for prime fields
    p = int((prime if isinstance(prime, core.Integer) else core.Integer.load(prime.dump())).native)
    a = int.from_bytes(spec["curve"]["a"].native, "big")
    b = int.from_bytes(spec["curve"]["b"].native, "big")
    order = int(spec["order"].native)
    cofactor_value = spec["cofactor"].native
    cofactor = int(cofactor_value) if cofactor_value is not None else 1
    curve = CurveFp(p, a, b, cofactor)
    base = bytes(spec["base"].native)
    size = (p.bit_length() + 7) // 8
    if len(base) != 1 + 2 * size or base[0] != 0x04:
        raise ValueError("EC base point is not an uncompressed point")
    gx = int.from_bytes(base[1 : 1 + size], "big")
    gy = int.from_bytes(base[1 + size :], "big")
    if not curve.contains_point(gx, gy):
        raise ValueError("EC base point is not on the curve")
    params = ECParameters(curve, PointJacobi(curve, gx, gy, 1, order), order, cofactor)
    return _match_named(params)


def ec_parameters_to_asn1(params: ECParameters, *, explicit: bool = True) -> keys.ECDomainParameters:
    """Explicit (as eMRTD DG14/DG15 usually carry them) or named parameters for a SubjectPublicKeyInfo."""
    if not explicit:
        if params.oid is None:
            raise ValueError("unnamed parameters can only be encoded explicitly")
        return keys.ECDomainParameters(name="named", value=params.oid)
    n = params.field_size
    spec = keys.SpecifiedECDomain(
        {
            "version": "ecdpVer1",
            "field_id": {"field_type": "prime_field", "parameters": core.Integer(params.p)},
            "curve": {"a": params.a.to_bytes(n, "big"), "b": params.b.to_bytes(n, "big")},
            "base": params.encode_point(params.generator),
            "order": params.order,
            "cofactor": params.cofactor,
        }
    )
    return keys.ECDomainParameters(name="specified", value=spec)
