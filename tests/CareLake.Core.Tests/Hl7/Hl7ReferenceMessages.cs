namespace CareLake.Core.Tests.Hl7;

/// <summary>The sample messages of reference/clinical.md §8.5, with CR segment terminators as on the wire.</summary>
internal static class Hl7ReferenceMessages
{
    public const string AdmitA01 =
        "MSH|^~\\&|ADTSYS|GOODHEALTH|DATALAKE|GOODHEALTH|20240314093512-0500||ADT^A01^ADT_A01|MSG00001|P|2.5.1\r" +
        "EVN|A01|20240314093500-0500||||20240314092000-0500\r" +
        "PID|1||4455667^^^GHH^MR||DOE^JANE^Q||19520611|F||2106-3^White^CDCREC|12 MAIN ST^^SPRINGFIELD^IL^62701^USA^H||^PRN^PH^^1^217^5550123|||||ACC778899^^^GHH^AN\r" +
        "PV1|1|I|4W^412^B^GOODHEALTH|E|||1234^JONES^ROBERT^^^^MD|||MED|||||||1234^JONES^ROBERT^^^^MD||VN000123^^^GHH^VN|||||||||||||||||||||||||20240314092000-0500\r" +
        "DG1|1||J44.1^Chronic obstructive pulmonary disease with (acute) exacerbation^I10||20240314092000-0500|A\r" +
        "AL1|1|DA|PCN^Penicillin^L|MO|Hives\r" +
        "OBX|1|NM|9279-1^Respiratory rate^LN||22|/min^per minute^UCUM|||||F|||20240314091500-0500\r" +
        "OBX|2|NM|59408-5^Oxygen saturation in Arterial blood by Pulse oximetry^LN||91|%^percent^UCUM|||||F|||20240314091500-0500\r" +
        "OBX|3|NM|8867-4^Heart rate^LN||104|/min^per minute^UCUM|||||F|||20240314091500-0500\r" +
        "OBX|4|TX|NOTE^Triage note^L||Pt on 2 L/min O2 via NC \\T\\ new confusion||||||F|||20240314091500-0500\r";

    public const string DischargeA03 =
        "MSH|^~\\&|ADTSYS|GOODHEALTH|DATALAKE|GOODHEALTH|20240318141005-0500||ADT^A03^ADT_A03|MSG00057|P|2.5.1\r" +
        "EVN|A03|20240318141000-0500||||20240318140000-0500\r" +
        "PID|1||4455667^^^GHH^MR||DOE^JANE^Q||19520611|F|||12 MAIN ST^^SPRINGFIELD^IL^62701^USA^H|||||||ACC778899^^^GHH^AN\r" +
        "PV1|1|I|4W^412^B^GOODHEALTH|E|||1234^JONES^ROBERT^^^^MD|||MED|||||||||VN000123^^^GHH^VN|||||||||||||||||01||||||||20240314092000-0500|20240318140000-0500\r" +
        "DG1|1||J44.1^Chronic obstructive pulmonary disease with (acute) exacerbation^I10|||F\r" +
        "DG1|2||I50.9^Heart failure, unspecified^I10|||F\r";

    public const string AcceptAck =
        "MSH|^~\\&|DATALAKE|GOODHEALTH|ADTSYS|GOODHEALTH|20240314093513-0500||ACK^A01^ACK|ACK00001|P|2.5.1\r" +
        "MSA|AA|MSG00001\r";

    public const string ErrorAck =
        "MSH|^~\\&|DATALAKE|GOODHEALTH|ADTSYS|GOODHEALTH|20240318141006-0500||ACK^A03^ACK|ACK00058|P|2.5.1\r" +
        "MSA|AE|MSG00057|PV1-19 visit number not found\r";
}
