"""Reference tables for the BHYT card check: result codes, beneficiary groups, benefit levels, provinces.

Result-code texts follow the wording the BHXH gateway's integrators use for ``maKetQua``; the desk
actions are ours. Codes 054 and 055 are listed in the gateway's code range but their official wording
was not found in public material: their texts here are ASSUMED and marked so.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "BENEFICIARY_GROUPS",
    "BENEFIT_LEVELS",
    "PROVINCES",
    "RESULT_CODES",
    "BhytVerdict",
    "ResultCode",
]


class BhytVerdict(StrEnum):
    """What the desk does with the answer. Advisory only: no verdict blocks an intake."""

    VALID = "valid"  # use the card
    CHECK_DOCUMENTS = "check_documents"  # usable, but compare with papers / use the new card
    DATA_MISMATCH = "data_mismatch"  # name or date of birth differ from the card record
    INVALID = "invalid"  # the card does not give BHYT benefits today
    GATEWAY_ERROR = "gateway_error"  # the gateway answered but could not check
    NOT_CHECKED = "not_checked"  # no answer at all (offline, timeout): "chưa kiểm tra"

    @property
    def label_vi(self) -> str:
        return _VERDICT_LABELS[self]


_VERDICT_LABELS = {
    BhytVerdict.VALID: "Thẻ hợp lệ",
    BhytVerdict.CHECK_DOCUMENTS: "Thẻ dùng được, cần đối chiếu",
    BhytVerdict.DATA_MISMATCH: "Thông tin không khớp thẻ",
    BhytVerdict.INVALID: "Thẻ không có giá trị hưởng BHYT",
    BhytVerdict.GATEWAY_ERROR: "Cổng BHXH báo lỗi",
    BhytVerdict.NOT_CHECKED: "Chưa kiểm tra",
}


@dataclass(frozen=True)
class ResultCode:
    code: str
    meaning_vi: str
    action_vi: str
    verdict: BhytVerdict
    assumed: bool = False


def _rc(code: str, meaning: str, action: str, verdict: BhytVerdict, *, assumed: bool = False) -> ResultCode:
    return ResultCode(code, meaning, action, verdict, assumed)


_V = BhytVerdict
RESULT_CODES: dict[str, ResultCode] = {
    r.code: r
    for r in (
        _rc("000", "Thông tin thẻ chính xác.", "Tiếp nhận khám chữa bệnh BHYT.", _V.VALID),
        _rc(
            "001",
            "Thẻ do BHXH Bộ Quốc phòng quản lý, đề nghị kiểm tra thẻ và thông tin giấy tờ tùy thân.",
            "Đối chiếu thẻ BHYT và giấy tờ tùy thân trước khi tiếp nhận.",
            _V.CHECK_DOCUMENTS,
        ),
        _rc(
            "002",
            "Thẻ do BHXH Bộ Công an quản lý, đề nghị kiểm tra thẻ và thông tin giấy tờ tùy thân.",
            "Đối chiếu thẻ BHYT và giấy tờ tùy thân trước khi tiếp nhận.",
            _V.CHECK_DOCUMENTS,
        ),
        _rc(
            "003",
            "Thẻ cũ hết giá trị sử dụng nhưng đã được cấp thẻ mới.",
            "Tiếp nhận theo mã thẻ mới và hạn thẻ mới do cổng trả về.",
            _V.CHECK_DOCUMENTS,
        ),
        _rc(
            "004",
            "Thẻ cũ còn giá trị sử dụng nhưng đã được cấp thẻ mới.",
            "Tiếp nhận; ghi nhận mã thẻ mới cho các lần sau.",
            _V.CHECK_DOCUMENTS,
        ),
        _rc(
            "010",
            "Thẻ hết giá trị sử dụng.",
            "Không áp dụng BHYT; hướng dẫn người dân gia hạn thẻ, thu phí theo giá dịch vụ.",
            _V.INVALID,
        ),
        _rc(
            "050",
            "Không thấy thông tin thẻ BHYT.",
            "Kiểm tra lại mã thẻ hoặc số CCCD đã nhập; nếu đúng, hướng dẫn người dân liên hệ cơ quan BHXH.",
            _V.INVALID,
        ),
        _rc("051", "Mã thẻ không đúng.", "Kiểm tra lại mã thẻ (15 ký tự) đã nhập.", _V.INVALID),
        _rc(
            "052",
            "Mã tỉnh cấp thẻ (ký tự thứ 4, 5 của mã thẻ) không đúng.",
            "Kiểm tra lại ký tự thứ 4, 5 của mã thẻ.",
            _V.INVALID,
        ),
        _rc(
            "053",
            "Mã quyền lợi thẻ (ký tự thứ 3 của mã thẻ) không đúng.",
            "Kiểm tra lại ký tự thứ 3 (mức hưởng) của mã thẻ.",
            _V.INVALID,
        ),
        _rc(
            "054",
            "Thẻ chưa đến thời hạn sử dụng (giả định).",
            "Chưa áp dụng BHYT trước ngày thẻ có giá trị; hẹn lại hoặc thu phí dịch vụ.",
            _V.INVALID,
            assumed=True,
        ),
        _rc(
            "055",
            "Cần kiểm tra lại thông tin thẻ (giả định).",
            "Đối chiếu thẻ và giấy tờ tùy thân; nếu còn sai lệch, hướng dẫn người dân liên hệ cơ quan BHXH.",
            _V.CHECK_DOCUMENTS,
            assumed=True,
        ),
        _rc(
            "060",
            "Thẻ sai họ tên.",
            "Đối chiếu họ tên với thẻ CCCD (đủ dấu), nhập lại và kiểm tra lại.",
            _V.DATA_MISMATCH,
        ),
        _rc(
            "061",
            "Thẻ sai họ tên (đúng ký tự đầu).",
            "Kiểm tra chính tả, dấu và khoảng trắng của họ tên rồi kiểm tra lại.",
            _V.DATA_MISMATCH,
        ),
        _rc(
            "070",
            "Thẻ sai ngày sinh.",
            "Đối chiếu ngày sinh với thẻ CCCD, nhập lại và kiểm tra lại.",
            _V.DATA_MISMATCH,
        ),
        _rc(
            "100",
            "Lỗi khi lấy dữ liệu số thẻ.",
            "Tiếp nhận hồ sơ, kiểm tra lại thẻ sau ít phút.",
            _V.GATEWAY_ERROR,
        ),
        _rc("101", "Lỗi máy chủ cổng BHXH.", "Tiếp nhận hồ sơ, kiểm tra lại thẻ sau ít phút.", _V.GATEWAY_ERROR),
        _rc(
            "110",
            "Thẻ đã thu hồi.",
            "Không áp dụng BHYT theo thẻ này; hướng dẫn người dân liên hệ cơ quan BHXH.",
            _V.INVALID,
        ),
        _rc(
            "120",
            "Thẻ đã báo giảm.",
            "Không áp dụng BHYT theo thẻ này; hướng dẫn người dân liên hệ đơn vị hoặc cơ quan BHXH.",
            _V.INVALID,
        ),
        _rc(
            "121",
            "Thẻ đã báo giảm. Giảm chuyển ngoại tỉnh.",
            "Hỏi thẻ mới do tỉnh nơi chuyển đến cấp; nếu chưa có, hướng dẫn liên hệ cơ quan BHXH.",
            _V.INVALID,
        ),
        _rc(
            "122",
            "Thẻ đã báo giảm. Giảm chuyển nội tỉnh.",
            "Hỏi thẻ mới do đơn vị mới cấp; nếu chưa có, hướng dẫn liên hệ cơ quan BHXH.",
            _V.INVALID,
        ),
        _rc(
            "123",
            "Thẻ đã báo giảm. Thu hồi do tăng lại cùng đơn vị.",
            "Dùng thẻ mới cùng đơn vị; kiểm tra lại theo mã thẻ mới.",
            _V.INVALID,
        ),
        _rc(
            "124",
            "Thẻ đã báo giảm. Ngừng tham gia.",
            "Không áp dụng BHYT; thu phí theo giá dịch vụ.",
            _V.INVALID,
        ),
        _rc(
            "130",
            "Trẻ em không xuất trình thẻ.",
            "Trẻ dưới 6 tuổi: tiếp nhận theo giấy khai sinh hoặc số định danh cá nhân.",
            _V.CHECK_DOCUMENTS,
        ),
        _rc(
            "205",
            "Lỗi sai định dạng tham số truyền vào.",
            "Kiểm tra định dạng mã thẻ, ngày sinh (dd/mm/yyyy hoặc yyyy) và thông tin cán bộ tra cứu.",
            _V.GATEWAY_ERROR,
        ),
        _rc(
            "401",
            "Lỗi xác thực tài khoản.",
            "Báo quản trị kiểm tra tài khoản cổng BHXH trong cấu hình trạm; tiếp nhận hồ sơ bình thường.",
            _V.GATEWAY_ERROR,
        ),
    )
}

#: benefit level = 3rd character of the card code
BENEFIT_LEVELS: dict[int, str] = {
    1: "100% chi phí khám chữa bệnh, không giới hạn tỷ lệ thanh toán dịch vụ kỹ thuật cao",
    2: "100% chi phí khám chữa bệnh, có giới hạn tỷ lệ thanh toán một số dịch vụ kỹ thuật",
    3: "95% chi phí khám chữa bệnh",
    4: "80% chi phí khám chữa bệnh",
    5: "100% chi phí khám chữa bệnh, kể cả chi phí ngoài phạm vi được hưởng (vận chuyển...)",
}

#: beneficiary group = first two letters of the card code (common groups; others show as unknown)
BENEFICIARY_GROUPS: dict[str, str] = {
    "DN": "Người lao động làm việc trong doanh nghiệp",
    "HX": "Người lao động làm việc trong hợp tác xã",
    "CH": "Người lao động trong cơ quan nhà nước, đơn vị sự nghiệp",
    "NN": "Người lao động trong cơ quan, tổ chức nước ngoài, tổ chức quốc tế",
    "TK": "Người lao động trong các tổ chức khác",
    "HC": "Cán bộ, công chức, viên chức",
    "XK": "Người hoạt động không chuyên trách ở cấp xã",
    "HT": "Người hưởng lương hưu, trợ cấp mất sức lao động hằng tháng",
    "TB": "Người hưởng trợ cấp tai nạn lao động, bệnh nghề nghiệp hằng tháng",
    "NO": "Người lao động nghỉ việc hưởng chế độ ốm đau dài ngày",
    "CT": "Người từ đủ 80 tuổi hưởng trợ cấp tuất hằng tháng",
    "XB": "Cán bộ cấp xã đã nghỉ việc hưởng trợ cấp BHXH hằng tháng",
    "TN": "Người hưởng trợ cấp thất nghiệp",
    "CS": "Công nhân cao su nghỉ việc hưởng trợ cấp hằng tháng",
    "XN": "Cán bộ cấp xã nghỉ việc hưởng trợ cấp từ ngân sách nhà nước",
    "MS": "Người thôi hưởng trợ cấp mất sức lao động",
    "QN": "Quân nhân",
    "CA": "Công an nhân dân",
    "CY": "Người làm công tác cơ yếu",
    "CC": "Người có công với cách mạng",
    "CK": "Người có công với cách mạng (nhóm khác)",
    "CB": "Cựu chiến binh",
    "KC": "Người tham gia kháng chiến",
    "HD": "Đại biểu Quốc hội, Hội đồng nhân dân",
    "TE": "Trẻ em dưới 6 tuổi",
    "BT": "Người hưởng trợ cấp bảo trợ xã hội hằng tháng",
    "HN": "Người thuộc hộ gia đình nghèo",
    "DT": "Người dân tộc thiểu số sống ở vùng khó khăn",
    "DK": "Người sống ở vùng đặc biệt khó khăn",
    "XD": "Người sống ở xã đảo, huyện đảo",
    "TS": "Thân nhân liệt sĩ",
    "TC": "Thân nhân người có công với cách mạng",
    "TQ": "Thân nhân quân nhân",
    "TA": "Thân nhân công an nhân dân",
    "TY": "Thân nhân người làm công tác cơ yếu",
    "HG": "Người đã hiến bộ phận cơ thể",
    "LS": "Lưu học sinh nước ngoài học bổng ngân sách nhà nước",
    "PV": "Người phục vụ người có công",
    "CN": "Người thuộc hộ gia đình cận nghèo",
    "HS": "Học sinh",
    "SV": "Sinh viên",
    "GB": "Hộ gia đình nông, lâm, ngư, diêm nghiệp có mức sống trung bình",
    "GD": "Người tham gia theo hộ gia đình",
    "XV": "Xã viên hợp tác xã, hộ kinh doanh cá thể",
}

#: province code = characters 4-5 of the card code (the pre-2025 province codes, as printed on cards)
PROVINCES: dict[str, str] = {
    "01": "Hà Nội", "02": "Hà Giang", "04": "Cao Bằng", "06": "Bắc Kạn", "08": "Tuyên Quang",
    "10": "Lào Cai", "11": "Điện Biên", "12": "Lai Châu", "14": "Sơn La", "15": "Yên Bái",
    "17": "Hòa Bình", "19": "Thái Nguyên", "20": "Lạng Sơn", "22": "Quảng Ninh", "24": "Bắc Giang",
    "25": "Phú Thọ", "26": "Vĩnh Phúc", "27": "Bắc Ninh", "30": "Hải Dương", "31": "Hải Phòng",
    "33": "Hưng Yên", "34": "Thái Bình", "35": "Hà Nam", "36": "Nam Định", "37": "Ninh Bình",
    "38": "Thanh Hóa", "40": "Nghệ An", "42": "Hà Tĩnh", "44": "Quảng Bình", "45": "Quảng Trị",
    "46": "Thừa Thiên Huế", "48": "Đà Nẵng", "49": "Quảng Nam", "51": "Quảng Ngãi", "52": "Bình Định",
    "54": "Phú Yên", "56": "Khánh Hòa", "58": "Ninh Thuận", "60": "Bình Thuận", "62": "Kon Tum",
    "64": "Gia Lai", "66": "Đắk Lắk", "67": "Đắk Nông", "68": "Lâm Đồng", "70": "Bình Phước",
    "72": "Tây Ninh", "74": "Bình Dương", "75": "Đồng Nai", "77": "Bà Rịa - Vũng Tàu", "79": "TP. Hồ Chí Minh",
    "80": "Long An", "82": "Tiền Giang", "83": "Bến Tre", "84": "Trà Vinh", "86": "Vĩnh Long",
    "87": "Đồng Tháp", "89": "An Giang", "91": "Kiên Giang", "92": "Cần Thơ", "93": "Hậu Giang",
    "94": "Sóc Trăng", "95": "Bạc Liêu", "96": "Cà Mau",
    "97": "BHXH Bộ Quốc phòng (giả định)", "98": "BHXH Bộ Công an (giả định)",
}  # fmt: skip
