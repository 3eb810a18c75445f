# The same mapping in jq (scenario "mapping", second reference).
def digits: gsub("[^0-9]"; "");
def idDateToIso: "\(.[6:10])-\(.[3:5])-\(.[0:2])";
def regionNormalize: digits as $d | [$d[0:2], $d[2:4], $d[4:6], $d[6:]] | map(select(. != "")) | join(".");
def nikValid: test("^[0-9]{16}$") and ((.[6:8] | tonumber) % 40) as $dd | (.[8:10] | tonumber) as $mm
  | $dd >= 1 and $dd <= 31 and $mm >= 1 and $mm <= 12;
def nikSex: if (.[6:8] | tonumber) > 40 then "P" else "L" end;
def phoneToE164: digits | if startswith("0") then "+62" + .[1:] elif startswith("62") then "+" + . else . end;
def maskNik: .[0:4] + "********" + .[12:];
def maskPhone: phoneToE164 | .[0:6] + ([range(length - 9)] | map("*") | join("")) + .[-3:];
def maskEmail: .[0:1] + "***@" + (split("@")[1]);
{id: .no_tiket, tanggal: (.tgl_lapor | split(" ")[0] | idDateToIso), judul: .judul,
 kode_wilayah: (.kode_wilayah | regionNormalize)}
+ (if .anonim then {} else {pelapor: {nik_valid: (.pelapor.nik | nikValid), jenis_kelamin: (.pelapor.nik | nikSex),
     telepon: (.pelapor.telepon | phoneToE164), email: .pelapor.email}} end)
+ {log_view: {nik: (.pelapor.nik | maskNik), telepon: (.pelapor.telepon | maskPhone), email: (.pelapor.email | maskEmail)}}
