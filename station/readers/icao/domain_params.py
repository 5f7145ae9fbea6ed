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
    "ID_DH_PUBLIC_NUMBER",
    "ID_EC_PUBLIC_KEY",
    "STANDARDIZED_DH",
    "STANDARDIZED_DOMAIN_PARAMETERS",
    "STANDARDIZED_EC_IDS",
    "DHParameters",
    "ECParameters",
    "Point",
    "UnsupportedDomainParameters",
    "ec_parameters_from_asn1",
    "ec_parameters_to_asn1",
    "group_from_algorithm",
    "named_ec_parameters",
    "standardized_dh_parameters",
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


# -- finite-field (MODP) groups ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DHParameters:
    """A MODP group with a prime-order-q subgroup generated by g (RFC 5114, 9303-11 IDs 0-2).

    Modular exponentiation is all DH needs (``pow``); ``cryptography`` has deprecated FFDH and
    offers no generic-mapping step anyway.
    """

    p: int
    g: int
    q: int
    name: str | None = None

    @property
    def field_size(self) -> int:
        return (self.p.bit_length() + 7) // 8

    def encode_public(self, value: int) -> bytes:
        """Unsigned big-endian, padded to the length of p."""
        return value.to_bytes(self.field_size, "big")

    def decode_public(self, data: bytes) -> int:
        """Check 1 < y < p-1 and y in the order-q subgroup (small-subgroup attacks)."""
        if len(data) != self.field_size:
            raise ValueError("DH public value has the wrong length")
        y = int.from_bytes(data, "big")
        if not 1 < y < self.p - 1 or pow(y, self.q, self.p) != 1:
            raise ValueError("DH public value is not in the subgroup")
        return y

    def random_private(self) -> int:
        return 1 + secrets.randbelow(self.q - 1)

    def public_value(self, private: int) -> int:
        return pow(self.g, private, self.p)

    def shared_secret(self, private: int, peer: int) -> bytes:
        return self.encode_public(pow(peer, private, self.p))

    def with_generator(self, generator: int) -> DHParameters:
        if not 1 < generator < self.p - 1:
            raise ValueError("mapped generator is degenerate")
        return replace(self, g=generator, name=None)


def _hex(*lines: str) -> int:
    return int("".join(lines), 16)


# Values as RFC 5114 publishes them (cross-checked against OpenSSL's dh_rfc5114 groups).
STANDARDIZED_DH: dict[int, DHParameters] = {
    0: DHParameters(
        _hex(
            "B10B8F96A080E01DDE92DE5EAE5D54EC52C99FBCFB06A3C69A6A9DCA52D23B61"
            "6073E28675A23D189838EF1E2EE652C013ECB4AEA906112324975C3CD49B83BF"
            "ACCBDD7D90C4BD7098488E9C219A73724EFFD6FAE5644738FAA31A4FF55BCCC0"
            "A151AF5F0DC8B4BD45BF37DF365C1A65E68CFDA76D4DA708DF1FB2BC2E4A4371"
        ),
        _hex(
            "A4D1CBD5C3FD34126765A442EFB99905F8104DD258AC507FD6406CFF14266D31"
            "266FEA1E5C41564B777E690F5504F213160217B4B01B886A5E91547F9E2749F4"
            "D7FBD7D3B9A92EE1909D0D2263F80A76A6A24C087A091F531DBF0A0169B6A28A"
            "D662A4D18E73AFA32D779D5918D08BC8858F4DCEF97C2A24855E6EEB22B3B2E5"
        ),
        _hex("F518AA8781A8DF278ABA4E7D64B7CB9D49462353"),
        "1024-bit MODP, 160-bit subgroup",
    ),
    1: DHParameters(
        _hex(
            "AD107E1E9123A9D0D660FAA79559C51FA20D64E5683B9FD1B54B1597B61D0A75"
            "E6FA141DF95A56DBAF9A3C407BA1DF15EB3D688A309C180E1DE6B85A1274A0A6"
            "6D3F8152AD6AC2129037C9EDEFDA4DF8D91E8FEF55B7394B7AD5B7D0B6C12207"
            "C9F98D11ED34DBF6C6BA0B2C8BBC27BE6A00E0A0B9C49708B3BF8A3170918836"
            "81286130BC8985DB1602E714415D9330278273C7DE31EFDC7310F7121FD5A074"
            "15987D9ADC0A486DCDF93ACC44328387315D75E198C641A480CD86A1B9E587E8"
            "BE60E69CC928B2B9C52172E413042E9B23F10B0E16E79763C9B53DCF4BA80A29"
            "E3FB73C16B8E75B97EF363E2FFA31F71CF9DE5384E71B81C0AC4DFFE0C10E64F"
        ),
        _hex(
            "AC4032EF4F2D9AE39DF30B5C8FFDAC506CDEBE7B89998CAF74866A08CFE4FFE3"
            "A6824A4E10B9A6F0DD921F01A70C4AFAAB739D7700C29F52C57DB17C620A8652"
            "BE5E9001A8D66AD7C17669101999024AF4D027275AC1348BB8A762D0521BC98A"
            "E247150422EA1ED409939D54DA7460CDB5F6C6B250717CBEF180EB34118E98D1"
            "19529A45D6F834566E3025E316A330EFBB77A86F0C1AB15B051AE3D428C8F8AC"
            "B70A8137150B8EEB10E183EDD19963DDD9E263E4770589EF6AA21E7F5F2FF381"
            "B539CCE3409D13CD566AFBB48D6C019181E1BCFE94B30269EDFE72FE9B6AA4BD"
            "7B5A0F1C71CFFF4C19C418E1F6EC017981BC087F2A7065B384B890D3191F2BFA"
        ),
        _hex("801C0D34C58D93FE997177101F80535A4738CEBCBF389A99B36371EB"),
        "2048-bit MODP, 224-bit subgroup",
    ),
    2: DHParameters(
        _hex(
            "87A8E61DB4B6663CFFBBD19C651959998CEEF608660DD0F25D2CEED4435E3B00"
            "E00DF8F1D61957D4FAF7DF4561B2AA3016C3D91134096FAA3BF4296D830E9A7C"
            "209E0C6497517ABD5A8A9D306BCF67ED91F9E6725B4758C022E0B1EF4275BF7B"
            "6C5BFC11D45F9088B941F54EB1E59BB8BC39A0BF12307F5C4FDB70C581B23F76"
            "B63ACAE1CAA6B7902D52526735488A0EF13C6D9A51BFA4AB3AD8347796524D8E"
            "F6A167B5A41825D967E144E5140564251CCACB83E6B486F6B3CA3F7971506026"
            "C0B857F689962856DED4010ABD0BE621C3A3960A54E710C375F26375D7014103"
            "A4B54330C198AF126116D2276E11715F693877FAD7EF09CADB094AE91E1A1597"
        ),
        _hex(
            "3FB32C9B73134D0B2E77506660EDBD484CA7B18F21EF205407F4793A1A0BA125"
            "10DBC15077BE463FFF4FED4AAC0BB555BE3A6C1B0C6B47B1BC3773BF7E8C6F62"
            "901228F8C28CBB18A55AE31341000A650196F931C77A57F2DDF463E5E9EC144B"
            "777DE62AAAB8A8628AC376D282D6ED3864E67982428EBC831D14348F6F2F9193"
            "B5045AF2767164E1DFC967C1FB3F2E55A4BD1BFFE83B9C80D052B985D182EA0A"
            "DB2A3B7313D3FE14C8484B1E052588B9B7D2BBD2DF016199ECD06E1557CD0915"
            "B3353BBB64E0EC377FD028370DF92B52C7891428CDC67EB6184B523D1DB246C3"
            "2F63078490F00EF8D647D148D47954515E2327CFEF98C582664B4C0F6CC41659"
        ),
        _hex("8CF83642A709A097B447997640129DA299B1A47D1EB3750BA308B0FE64F5FBD3"),
        "2048-bit MODP, 256-bit subgroup",
    ),
}


def standardized_dh_parameters(param_id: int) -> DHParameters:
    """MODP group for standardized domain parameter IDs 0-2 (RFC 5114 sections 2.1-2.3)."""
    try:
        return STANDARDIZED_DH[param_id]
    except KeyError:
        raise UnsupportedDomainParameters(f"standardized DH parameter ID {param_id} does not exist") from None


# -- domain parameters named by an AlgorithmIdentifier ---------------------------------------------

ID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
ID_DH_PUBLIC_NUMBER = "1.2.840.10046.2.1"
STANDARDIZED_DOMAIN_PARAMETERS = "0.4.0.127.0.7.1.2"  # TR-03110: parameters are an INTEGER ID


def group_from_algorithm(algorithm_oid: str, parameters: bytes | None, agreement: str) -> ECParameters | DHParameters:
    """Domain parameters from an AlgorithmIdentifier (PACE/CA domain parameter infos, DG14 keys):
    explicit or named EC parameters, X9.42 DH parameters, or a standardized parameter ID."""
    if algorithm_oid == STANDARDIZED_DOMAIN_PARAMETERS:
        if parameters is None:
            raise ValueError("standardized domain parameters without an ID")
        param_id = int(core.Integer.load(parameters).native)
        return standardized_dh_parameters(param_id) if agreement == "DH" else standardized_parameters(param_id)
    if parameters is None:
        raise ValueError(f"algorithm {algorithm_oid} without domain parameters")
    if algorithm_oid == ID_EC_PUBLIC_KEY:
        return ec_parameters_from_asn1(keys.ECDomainParameters.load(parameters))
    if algorithm_oid == ID_DH_PUBLIC_NUMBER:
        domain = keys.DomainParameters.load(parameters)
        q = domain["q"].native
        if q is None:
            raise UnsupportedDomainParameters("DH domain parameters without the subgroup order q")
        return DHParameters(int(domain["p"].native), int(domain["g"].native), int(q))
    raise UnsupportedDomainParameters(f"domain parameters of algorithm {algorithm_oid} are not supported")
