<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="vi_VN">
<!-- English for the station window. Source strings are the Vietnamese the window shows (station/ui, t()),
     plus the readers' clerk messages it displays. Built to .qm by pyside6-lrelease (station.ui.i18n). -->
<context>
    <name>station</name>
    <message>
        <source>&amp;Biểu mẫu:</source>
        <translation>&amp;Form:</translation>
    </message>
    <message>
        <source>&amp;Dùng số này</source>
        <translation>&amp;Use this number</translation>
    </message>
    <message>
        <source>&amp;Hủy đọc (Esc)</source>
        <translation>&amp;Cancel read (Esc)</translation>
    </message>
    <message>
        <source>&amp;In (Ctrl+P)</source>
        <translation>&amp;Print (Ctrl+P)</translation>
    </message>
    <message>
        <source>&amp;Kiểm tra (F5)</source>
        <translation>&amp;Check (F5)</translation>
    </message>
    <message>
        <source>&amp;Lưu PDF (Ctrl+S)</source>
        <translation>&amp;Save PDF (Ctrl+S)</translation>
    </message>
    <message>
        <source>&amp;Mở biểu mẫu</source>
        <translation>&amp;Open form</translation>
    </message>
    <message>
        <source>&amp;Nộp hồ sơ (Ctrl+Enter)</source>
        <translation>&amp;Submit (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>&amp;Quầy:</source>
        <translation>&amp;Desk:</translation>
    </message>
    <message>
        <source>&amp;Xóa màn hình (Ctrl+L)</source>
        <translation>C&amp;lear screen (Ctrl+L)</translation>
    </message>
    <message>
        <source>(Diễn giải mã kết quả này chưa có văn bản chính thức.)</source>
        <translation>(No official text found for this result code's meaning.)</translation>
    </message>
    <message>
        <source>Biểu mẫu đã đủ và hợp lệ: có thể nộp.</source>
        <translation>The form is complete and valid: ready to submit.</translation>
    </message>
    <message>
        <source>Bước</source>
        <translation>Step</translation>
    </message>
    <message>
        <source>Bị từ chối</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>Bộ phận một cửa</source>
        <translation>One-stop counter</translation>
    </message>
    <message>
        <source>Camera: chưa chọn</source>
        <translation>Camera: none selected</translation>
    </message>
    <message>
        <source>Camera: lỗi</source>
        <translation>Camera: error</translation>
    </message>
    <message>
        <source>Camera: sẵn sàng</source>
        <translation>Camera: ready</translation>
    </message>
    <message>
        <source>Camera: đang quét mã QR…</source>
        <translation>Camera: scanning for a QR code…</translation>
    </message>
    <message>
        <source>Chip</source>
        <translation>Chip</translation>
    </message>
    <message>
        <source>Chip thật (xác thực chip)</source>
        <translation>Genuine chip (chip authentication)</translation>
    </message>
    <message>
        <source>Chip thật (xác thực chủ động)</source>
        <translation>Genuine chip (active authentication)</translation>
    </message>
    <message>
        <source>Chưa chọn camera: chạy với --camera (số thiết bị, tệp video hoặc URL).</source>
        <translation>No camera selected: run with --camera (device number, video file or URL).</translation>
    </message>
    <message>
        <source>Chưa có chứng thư gốc (CSCA)</source>
        <translation>No root certificate (CSCA) yet</translation>
    </message>
    <message>
        <source>Chưa có khóa: nhập số thẻ, quét mã QR hoặc nhập MRZ.</source>
        <translation>No key yet: type the card number, scan the QR code or enter the MRZ.</translation>
    </message>
    <message>
        <source>Chưa có thẻ</source>
        <translation>No card</translation>
    </message>
    <message>
        <source>Chưa có thẻ trên đầu đọc. Đặt thẻ CCCD lên đầu đọc.</source>
        <translation>No card on the reader. Put the CCCD card on the reader.</translation>
    </message>
    <message>
        <source>Chưa cấu hình cổng BHXH.</source>
        <translation>The BHXH gateway is not configured.</translation>
    </message>
    <message>
        <source>Chưa kiểm tra</source>
        <translation>Not checked</translation>
    </message>
    <message>
        <source>Chưa kiểm tra tính xác thực</source>
        <translation>Authenticity not checked</translation>
    </message>
    <message>
        <source>Chưa mở biểu mẫu nào.</source>
        <translation>No form is open.</translation>
    </message>
    <message>
        <source>Chưa nộp được: còn %n chỗ cần sửa (viền đỏ).</source>
        <translation>Not submitted: %n fields to fix (red border).</translation>
    </message>
    <message>
        <source>Chưa đọc thẻ</source>
        <translation>No card read</translation>
    </message>
    <message>
        <source>Chọn xã/phường mới của địa chỉ này…</source>
        <translation>Choose the new commune/ward of this address…</translation>
    </message>
    <message>
        <source>Chứng thư gốc (CSCA)</source>
        <translation>Root certificate (CSCA)</translation>
    </message>
    <message>
        <source>Chứng thư gốc (CSCA) hợp lệ</source>
        <translation>Root certificate (CSCA) valid</translation>
    </message>
    <message>
        <source>Chứng thư gốc (CSCA) không hợp lệ</source>
        <translation>Root certificate (CSCA) invalid</translation>
    </message>
    <message>
        <source>Chữ ký số</source>
        <translation>Digital signature</translation>
    </message>
    <message>
        <source>Chữ ký số hợp lệ</source>
        <translation>Digital signature valid</translation>
    </message>
    <message>
        <source>Chữ ký số không hợp lệ</source>
        <translation>Digital signature invalid</translation>
    </message>
    <message>
        <source>Cán bộ lưu động</source>
        <translation>Field officer</translation>
    </message>
    <message>
        <source>Cán bộ nhập</source>
        <translation>Typed by clerk</translation>
    </message>
    <message>
        <source>Còn %n chỗ cần sửa trước khi nộp.</source>
        <translation>%n fields to fix before submitting.</translation>
    </message>
    <message>
        <source>Có giá trị đến</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <source>Cần đọc thẻ CCCD hoặc mã QR trước khi kiểm tra BHYT.</source>
        <translation>Read the CCCD card or its QR code before the BHYT check.</translation>
    </message>
    <message>
        <source>Cổng BHXH</source>
        <translation>BHXH gateway</translation>
    </message>
    <message>
        <source>Cổng BHXH báo lỗi</source>
        <translation>BHXH gateway error</translation>
    </message>
    <message>
        <source>Cổng BHXH: chưa cấu hình</source>
        <translation>BHXH gateway: not configured</translation>
    </message>
    <message>
        <source>Cổng BHXH: lỗi</source>
        <translation>BHXH gateway: error</translation>
    </message>
    <message>
        <source>Cổng BHXH: mất kết nối (chưa kiểm tra)</source>
        <translation>BHXH gateway: offline (not checked)</translation>
    </message>
    <message>
        <source>Cổng BHXH: sẵn sàng</source>
        <translation>BHXH gateway: ready</translation>
    </message>
    <message>
        <source>Cổng BHXH: đang hỏi…</source>
        <translation>BHXH gateway: asking…</translation>
    </message>
    <message>
        <source>Cổng BHXH: đã trả lời</source>
        <translation>BHXH gateway: answered</translation>
    </message>
    <message>
        <source>Dân tộc</source>
        <translation>Ethnicity</translation>
    </message>
    <message>
        <source>Dùng &amp;MRZ</source>
        <translation>Use &amp;MRZ</translation>
    </message>
    <message>
        <source>Dữ liệu chip bị thay đổi</source>
        <translation>Chip data altered</translation>
    </message>
    <message>
        <source>Dữ liệu chip toàn vẹn</source>
        <translation>Chip data intact</translation>
    </message>
    <message>
        <source>Giá trị</source>
        <translation>Valid</translation>
    </message>
    <message>
        <source>Giới tính</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>Hoặc 3 dòng MRZ ở mặt sau thẻ</source>
        <translation>Or the 3 MRZ lines on the back of the card</translation>
    </message>
    <message>
        <source>Hàng đợi thẻ đã đọc (nộp sau)</source>
        <translation>Queue of cards read (submit later)</translation>
    </message>
    <message>
        <source>Hàng đợi: lỗi đọc</source>
        <translation>Outbox: read error</translation>
    </message>
    <message>
        <source>Họ tên cha</source>
        <translation>Father's name</translation>
    </message>
    <message>
        <source>Họ tên mẹ</source>
        <translation>Mother's name</translation>
    </message>
    <message>
        <source>Họ tên vợ/chồng</source>
        <translation>Spouse's name</translation>
    </message>
    <message>
        <source>Họ, chữ đệm và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>Hồ sơ đã nộp (trạng thái gửi):</source>
        <translation>Submitted (delivery state):</translation>
    </message>
    <message>
        <source>Khóa mở chip</source>
        <translation>Chip access key</translation>
    </message>
    <message>
        <source>Khóa sẵn sàng</source>
        <translation>Key ready</translation>
    </message>
    <message>
        <source>Khóa đã sẵn sàng. Đặt thẻ lên đầu đọc: máy sẽ tự đọc.</source>
        <translation>Key ready. Put the card on the reader: it reads by itself.</translation>
    </message>
    <message>
        <source>Không có ảnh</source>
        <translation>No photo</translation>
    </message>
    <message>
        <source>Không kiểm tra được thẻ BHYT.</source>
        <translation>Could not check the BHYT card.</translation>
    </message>
    <message>
        <source>Không lưu được PDF: </source>
        <translation>Could not save the PDF: </translation>
    </message>
    <message>
        <source>Không lưu được hồ sơ vào hàng đợi: </source>
        <translation>Could not put the submission in the outbox: </translation>
    </message>
    <message>
        <source>Không mở được camera. Kiểm tra cáp, quyền truy cập camera, hoặc chọn camera khác.</source>
        <translation>Cannot open the camera. Check the cable and camera permissions, or choose another camera.</translation>
    </message>
    <message>
        <source>Không thấy mã QR của thẻ CCCD trên camera.</source>
        <translation>No CCCD QR code seen by the camera.</translation>
    </message>
    <message>
        <source>Không tìm thấy đầu đọc thẻ. Kiểm tra cáp và dịch vụ đọc thẻ (pcscd).</source>
        <translation>No card reader found. Check the cable and the card service (pcscd).</translation>
    </message>
    <message>
        <source>Không đọc được thẻ. Vui lòng thử lại.</source>
        <translation>Could not read the card. Please try again.</translation>
    </message>
    <message>
        <source>Kiểm tra thẻ BHYT (cổng BHXH)</source>
        <translation>BHYT card check (BHXH gateway)</translation>
    </message>
    <message>
        <source>Lưu PDF</source>
        <translation>Save PDF</translation>
    </message>
    <message>
        <source>Lỗi đọc thẻ</source>
        <translation>Card read error</translation>
    </message>
    <message>
        <source>MRZ</source>
        <translation>MRZ</translation>
    </message>
    <message>
        <source>MRZ chưa đúng: </source>
        <translation>MRZ not valid: </translation>
    </message>
    <message>
        <source>MRZ:</source>
        <translation>MRZ:</translation>
    </message>
    <message>
        <source>Màn hình đã tự xóa sau thời gian không thao tác.</source>
        <translation>The screen was cleared after a period of inactivity.</translation>
    </message>
    <message>
        <source>Máy chủ: %n hồ sơ chờ gửi</source>
        <translation>Backend: %n waiting to send</translation>
    </message>
    <message>
        <source>Máy chủ: chưa cấu hình</source>
        <translation>Backend: not configured</translation>
    </message>
    <message>
        <source>Máy chủ: mất kết nối, %n hồ sơ chờ gửi</source>
        <translation>Backend: offline, %n waiting to send</translation>
    </message>
    <message>
        <source>Máy chủ: đã gửi hết</source>
        <translation>Backend: all sent</translation>
    </message>
    <message>
        <source>Máy quét: bàn phím</source>
        <translation>Scanner: keyboard</translation>
    </message>
    <message>
        <source>Máy quét: cổng </source>
        <translation>Scanner: port </translation>
    </message>
    <message>
        <source>Máy quét: không mở được cổng </source>
        <translation>Scanner: cannot open port </translation>
    </message>
    <message>
        <source>Mã QR</source>
        <translation>QR code</translation>
    </message>
    <message>
        <source>Mã QR không khớp chip</source>
        <translation>QR code does not match the chip</translation>
    </message>
    <message>
        <source>Mã QR khớp chip</source>
        <translation>QR code matches the chip</translation>
    </message>
    <message>
        <source>Mã thẻ</source>
        <translation>Card code</translation>
    </message>
    <message>
        <source>Mã thẻ BHYT 15 ký tự (để trống: dùng số CCCD)</source>
        <translation>15-character BHYT card code (empty: use the CCCD number)</translation>
    </message>
    <message>
        <source>Mất kết nối với máy quét mã QR. Kiểm tra cáp USB rồi chọn lại cổng máy quét.</source>
        <translation>Lost the QR scanner. Check its USB cable, then choose its port again.</translation>
    </message>
    <message>
        <source>Mặc định — cần kiểm tra</source>
        <translation>Default — to be checked</translation>
    </message>
    <message>
        <source>Nghi thẻ giả / sao chép</source>
        <translation>Suspected forged / cloned card</translation>
    </message>
    <message>
        <source>Ngày cấp</source>
        <translation>Date of issue</translation>
    </message>
    <message>
        <source>Ngày sinh</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <source>Nhập số định danh 12 chữ số hoặc số CAN 6 chữ số in trên thẻ.</source>
        <translation>Type the 12-digit personal number or the 6-digit CAN printed on the card.</translation>
    </message>
    <message>
        <source>Nhập tay — chưa xác thực</source>
        <translation>Typed in — not verified</translation>
    </message>
    <message>
        <source>Nơi thường trú</source>
        <translation>Permanent residence</translation>
    </message>
    <message>
        <source>Nơi ĐKKCB ban đầu</source>
        <translation>Registered primary care facility</translation>
    </message>
    <message>
        <source>Quét &amp;QR (F3)</source>
        <translation>Scan &amp;QR (F3)</translation>
    </message>
    <message>
        <source>Quê quán</source>
        <translation>Place of origin</translation>
    </message>
    <message>
        <source>Quốc tịch</source>
        <translation>Nationality</translation>
    </message>
    <message>
        <source>Sai khóa truy cập</source>
        <translation>Wrong access key</translation>
    </message>
    <message>
        <source>Sẵn sàng. Đặt thẻ CCCD lên đầu đọc, quét mã QR (F3) hoặc nhập số thẻ (F2).</source>
        <translation>Ready. Put a CCCD card on the reader, scan its QR code (F3) or type its number (F2).</translation>
    </message>
    <message>
        <source>Số &amp;thẻ:</source>
        <translation>Card &amp;number:</translation>
    </message>
    <message>
        <source>Số CCCD 12 số hoặc CAN 6 số</source>
        <translation>12-digit CCCD number or 6-digit CAN</translation>
    </message>
    <message>
        <source>Số CMND cũ</source>
        <translation>Old ID number</translation>
    </message>
    <message>
        <source>Số định danh cá nhân</source>
        <translation>Personal number</translation>
    </message>
    <message>
        <source>Thiếu thư viện giải mã QR trên máy này. Báo cho bộ phận kỹ thuật.</source>
        <translation>A QR decoding library is missing on this machine. Tell technical support.</translation>
    </message>
    <message>
        <source>Thông tin không khớp thẻ</source>
        <translation>Details do not match the card</translation>
    </message>
    <message>
        <source>Thẻ bị rút ra</source>
        <translation>Card pulled out</translation>
    </message>
    <message>
        <source>Thẻ bị rút ra khi đang đọc. Đặt lại thẻ và giữ yên đến khi đọc xong.</source>
        <translation>The card was pulled out during the read. Put it back and hold it still until done.</translation>
    </message>
    <message>
        <source>Thẻ bị rút ra khi đang đọc. Đặt lại thẻ và giữ yên đến khi đọc xong: máy sẽ tự đọc lại.</source>
        <translation>The card was pulled out during the read. Put it back and hold it still until done: it reads again by itself.</translation>
    </message>
    <message>
        <source>Thẻ dùng được, cần đối chiếu</source>
        <translation>Card usable, check the documents</translation>
    </message>
    <message>
        <source>Thẻ hợp lệ</source>
        <translation>Card valid</translation>
    </message>
    <message>
        <source>Thẻ không cho phép đọc tệp này (cần quyền truy cập mở rộng); bỏ qua tệp.</source>
        <translation>The card does not allow reading this file (extended access needed); skipped.</translation>
    </message>
    <message>
        <source>Thẻ không có giá trị hưởng BHYT</source>
        <translation>Card gives no BHYT benefits</translation>
    </message>
    <message>
        <source>Thẻ không có tệp dữ liệu này.</source>
        <translation>The card has no such data file.</translation>
    </message>
    <message>
        <source>Thẻ không hỗ trợ PACE; chuyển sang xác thực BAC.</source>
        <translation>The card does not support PACE; falling back to BAC.</translation>
    </message>
    <message>
        <source>Thẻ mới</source>
        <translation>New card</translation>
    </message>
    <message>
        <source>Thẻ này chỉ mở bằng BAC: cần nhập thêm ngày sinh và ngày hết hạn của thẻ (hoặc quét mã QR trên thẻ).</source>
        <translation>This card opens with BAC only: also enter the date of birth and the card's expiry date (or scan its QR code).</translation>
    </message>
    <message>
        <source>Thẻ trả lời không đúng chuẩn. Đặt lại thẻ; nếu vẫn lỗi, thẻ có thể bị hỏng.</source>
        <translation>The card answered outside the standard. Re-insert it; if it fails again, the card may be damaged.</translation>
    </message>
    <message>
        <source>Thẻ từ chối khóa truy cập: số định danh, ngày sinh hoặc ngày hết hạn nhập chưa đúng. Kiểm tra lại các số trên thẻ.</source>
        <translation>The card refused the access key: the personal number, date of birth or expiry date is wrong. Check the numbers on the card.</translation>
    </message>
    <message>
        <source>Thẻ đã được lấy ra</source>
        <translation>Card removed</translation>
    </message>
    <message>
        <source>Tiếp đón bệnh viện (BHYT)</source>
        <translation>Hospital reception (BHYT)</translation>
    </message>
    <message>
        <source>Toàn vẹn dữ liệu chip</source>
        <translation>Chip data integrity</translation>
    </message>
    <message>
        <source>Trạm CCCD</source>
        <translation>CCCD station</translation>
    </message>
    <message>
        <source>Tôn giáo</source>
        <translation>Religion</translation>
    </message>
    <message>
        <source>Tự tính</source>
        <translation>Computed</translation>
    </message>
    <message>
        <source>Xác thực chip</source>
        <translation>Chip authentication</translation>
    </message>
    <message>
        <source>Xác thực chủ động</source>
        <translation>Active authentication</translation>
    </message>
    <message>
        <source>chip</source>
        <translation>chip</translation>
    </message>
    <message>
        <source>chưa có chứng thư gốc</source>
        <translation>no root certificate</translation>
    </message>
    <message>
        <source>chưa kiểm tra</source>
        <translation>not checked</translation>
    </message>
    <message>
        <source>chưa nhận ra đơn vị hành chính</source>
        <translation>administrative units not recognised</translation>
    </message>
    <message>
        <source>cần chọn xã/phường</source>
        <translation>choose the commune/ward</translation>
    </message>
    <message>
        <source>dd/mm/yyyy</source>
        <translation>dd/mm/yyyy</translation>
    </message>
    <message>
        <source>không đạt</source>
        <translation>failed</translation>
    </message>
    <message>
        <source>mã QR</source>
        <translation>QR code</translation>
    </message>
    <message>
        <source>mã hồ sơ</source>
        <translation>record</translation>
    </message>
    <message>
        <source>số nhập tay</source>
        <translation>typed number</translation>
    </message>
    <message>
        <source>thẻ không hỗ trợ</source>
        <translation>not supported by the card</translation>
    </message>
    <message>
        <source>truy cập (mở khóa chip)</source>
        <translation>access (opening the chip)</translation>
    </message>
    <message>
        <source>Đang chờ gửi</source>
        <translation>Waiting to send</translation>
    </message>
    <message>
        <source>Đang gửi</source>
        <translation>Sending</translation>
    </message>
    <message>
        <source>Đang hỏi cổng BHXH…</source>
        <translation>Asking the BHXH gateway…</translation>
    </message>
    <message>
        <source>Đang hủy…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>Đang mở chip (truy cập)…</source>
        <translation>Opening the chip (access)…</translation>
    </message>
    <message>
        <source>Đang đọc thẻ, giữ yên thẻ trên đầu đọc…</source>
        <translation>Reading the card, hold it still on the reader…</translation>
    </message>
    <message>
        <source>Đang đọc ảnh…</source>
        <translation>Reading the photo…</translation>
    </message>
    <message>
        <source>Điền các ô còn thiếu (viền đỏ), rồi nộp bằng Ctrl+Enter.</source>
        <translation>Fill in the missing fields (red border), then submit with Ctrl+Enter.</translation>
    </message>
    <message>
        <source>Đã có thẻ trên đầu đọc. Nhập số CCCD 12 số (hoặc CAN 6 số) in trên thẻ, hoặc quét mã QR (F3).</source>
        <translation>A card is on the reader. Type the 12-digit CCCD number (or 6-digit CAN) printed on it, or scan its QR code (F3).</translation>
    </message>
    <message>
        <source>Đã dừng quét mã QR.</source>
        <translation>QR scanning stopped.</translation>
    </message>
    <message>
        <source>Đã gửi biểu mẫu tới máy in.</source>
        <translation>The form was sent to the printer.</translation>
    </message>
    <message>
        <source>Đã hủy</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>Đã hủy đọc thẻ.</source>
        <translation>Card read cancelled.</translation>
    </message>
    <message>
        <source>Đã hủy đọc thẻ. Đặt lại thẻ hoặc nhập khóa mới để đọc lại.</source>
        <translation>Card read cancelled. Re-insert the card or enter a new key to read again.</translation>
    </message>
    <message>
        <source>Đã lưu PDF: </source>
        <translation>PDF saved: </translation>
    </message>
    <message>
        <source>Đã nộp hồ sơ</source>
        <translation>Submitted</translation>
    </message>
    <message>
        <source>Đã thêm vào hàng đợi</source>
        <translation>Added to the queue</translation>
    </message>
    <message>
        <source>Đã tiếp nhận</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <source>Đã xóa màn hình.</source>
        <translation>Screen cleared.</translation>
    </message>
    <message>
        <source>Đã đọc mã QR. Đặt thẻ lên đầu đọc để đối chiếu chip.</source>
        <translation>QR code read. Put the card on the reader to check it against the chip.</translation>
    </message>
    <message>
        <source>Đã đọc thẻ. Chọn biểu mẫu rồi nhấn Enter (Ctrl+O).</source>
        <translation>Card read. Choose a form and press Enter (Ctrl+O).</translation>
    </message>
    <message>
        <source>Đã đọc xong chip</source>
        <translation>Chip read</translation>
    </message>
    <message>
        <source>Đưa mã QR trên thẻ vào trước camera…</source>
        <translation>Hold the card's QR code in front of the camera…</translation>
    </message>
    <message>
        <source>Đầu đọc: </source>
        <translation>Reader: </translation>
    </message>
    <message>
        <source>Đầu đọc: không có (kiểm tra cáp, pcscd)</source>
        <translation>Reader: none (check the cable, pcscd)</translation>
    </message>
    <message>
        <source>Đầu đọc: đang tìm…</source>
        <translation>Reader: searching…</translation>
    </message>
    <message>
        <source>Đặc điểm nhận dạng</source>
        <translation>Identifying marks</translation>
    </message>
    <message>
        <source>Đặt thẻ tiếp theo.</source>
        <translation>Put the next card on.</translation>
    </message>
    <message>
        <source>Đọc từ mã QR — chưa đối chiếu chip</source>
        <translation>Read from the QR code — not checked against the chip</translation>
    </message>
    <message>
        <source>Đối chiếu mã QR</source>
        <translation>QR code check</translation>
    </message>
    <message>
        <source>đang gửi lên máy chủ. Màn hình đã xóa.</source>
        <translation>being sent to the backend. Screen cleared.</translation>
    </message>
    <message>
        <source>đã quy đổi sang địa giới mới</source>
        <translation>converted to the new administrative units</translation>
    </message>
    <message>
        <source>đã xác nhận</source>
        <translation>confirmed</translation>
    </message>
    <message>
        <source>đạt</source>
        <translation>passed</translation>
    </message>
    <message>
        <source>địa chỉ mới</source>
        <translation>current address</translation>
    </message>
    <message>
        <source>Ảnh</source>
        <translation>Photo</translation>
    </message>
    <message>
        <source>Ảnh hỏng</source>
        <translation>Photo damaged</translation>
    </message>
    <message>
        <source>Chọn một dòng (phím mũi tên) rồi nhấn Xóa dòng.</source>
        <translation>Pick a row (arrow keys), then press Remove row.</translation>
    </message>
    <message>
        <source>Dòng</source>
        <translation>Row</translation>
    </message>
    <message>
        <source>dòng</source>
        <translation>row</translation>
    </message>
    <message>
        <source>Khi bật: mỗi thẻ đọc tiếp theo (chip hoặc mã QR) thêm một dòng, không thay người trên biểu mẫu.</source>
        <translation>While on, each next card read (chip or QR code) adds a row instead of replacing the person on the form.</translation>
    </message>
    <message>
        <source>Nguồn</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>Nguồn:</source>
        <translation>Source:</translation>
    </message>
    <message>
        <source>Thêm dòn&amp;g</source>
        <translation>Add ro&amp;w</translation>
    </message>
    <message>
        <source>Xó&amp;a dòng</source>
        <translation>&amp;Remove row</translation>
    </message>
    <message>
        <source>Thêm người từ thẻ tiế&amp;p theo</source>
        <translation>Add person from n&amp;ext card</translation>
    </message>
    <message>
        <source>cán bộ đã sửa</source>
        <translation>edited by the clerk</translation>
    </message>
    <message>
        <source>Đang chờ thẻ: mỗi thẻ đọc tiếp theo (chip hoặc mã QR) được thêm thành một dòng.</source>
        <translation>Waiting for cards: each next card read (chip or QR code) is added as a row.</translation>
    </message>
    <message>
        <source>Đã cập nhật</source>
        <translation>Updated</translation>
    </message>
    <message>
        <source>Đã thêm vào</source>
        <translation>Added to</translation>
    </message>
    <message>
        <source>Đọc thẻ tiếp theo để thêm người.</source>
        <translation>Read the next card to add a person.</translation>
    </message>
    <message>
        <source>Đọc thẻ tiếp theo, hoặc tắt «Thêm người từ thẻ tiếp theo».</source>
        <translation>Read the next card, or switch off «Add person from next card».</translation>
    </message>
</context>
</TS>
