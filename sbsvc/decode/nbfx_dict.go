package decode

import "strconv"

// The static dictionary of MC-NBFS section 2.1: DictionaryString values are
// even, and value/2 indexes this table. Only the commonly used parts are
// included: SOAP, WS-Addressing and WS-Security names (0x00–0x102), the XML
// Schema type names used by DataContractSerializer and SOAP 1.1 (0x372–
// 0x3CC), and a few short prefixes. Anything else is shown as dict:N.
var nbfsStaticLow = [...]string{
	"mustUnderstand", "Envelope", "http://www.w3.org/2003/05/soap-envelope",
	"http://www.w3.org/2005/08/addressing", "Header", "Action", "To", "Body",
	"Algorithm", "RelatesTo", "http://www.w3.org/2005/08/addressing/anonymous",
	"URI", "Reference", "MessageID", "Id", "Identifier",
	"http://schemas.xmlsoap.org/ws/2005/02/rm", "Transforms", "Transform",
	"DigestMethod", "DigestValue", "Address", "ReplyTo", "SequenceAcknowledgement",
	"AcknowledgementRange", "Upper", "Lower", "BufferRemaining",
	"http://schemas.microsoft.com/ws/2006/05/rm",
	"http://schemas.xmlsoap.org/ws/2005/02/rm/SequenceAcknowledgement",
	"SecurityTokenReference", "Sequence", "MessageNumber",
	"http://www.w3.org/2000/09/xmldsig#",
	"http://www.w3.org/2000/09/xmldsig#enveloped-signature", "KeyInfo",
	"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
	"http://www.w3.org/2001/04/xmlenc#", "http://schemas.xmlsoap.org/ws/2005/02/sc",
	"DerivedKeyToken", "Nonce", "Signature", "SignedInfo", "CanonicalizationMethod",
	"SignatureMethod", "SignatureValue", "DataReference", "EncryptedData",
	"EncryptionMethod", "CipherData", "CipherValue",
	"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
	"Security", "Timestamp", "Created", "Expires", "Length", "ReferenceList",
	"ValueType", "Type", "EncryptedHeader",
	"http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd",
	"RequestSecurityTokenResponseCollection",
	"http://schemas.xmlsoap.org/ws/2005/02/trust",
	"http://schemas.xmlsoap.org/ws/2005/02/trust#BinarySecret",
	"http://schemas.microsoft.com/ws/2006/02/transactions", "s", "Fault",
	"MustUnderstand", "role", "relay", "Code", "Reason", "Text", "Node", "Role",
	"Detail", "Value", "Subcode", "NotUnderstood", "qname", "\x00", // 0xA2: not included
	"From", "FaultTo", "EndpointReference", "PortType", "ServiceName", "PortName",
	"ReferenceProperties", "RelationshipType", "Reply", "a",
	"http://schemas.xmlsoap.org/ws/2006/02/addressingidentity", "Identity", "Spn",
	"Upn", "Rsa", "Dns", "X509v3Certificate",
	"http://www.w3.org/2005/08/addressing/fault", "ReferenceParameters",
	"IsReferenceParameter", "http://www.w3.org/2005/08/addressing/reply",
	"http://www.w3.org/2005/08/addressing/none", "Metadata",
	"http://schemas.xmlsoap.org/ws/2004/08/addressing",
	"http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous",
	"http://schemas.xmlsoap.org/ws/2004/08/addressing/fault",
	"http://schemas.xmlsoap.org/ws/2004/06/addressingex", "RedirectTo", "Via",
	"http://www.w3.org/2001/10/xml-exc-c14n#", "PrefixList", "InclusiveNamespaces",
	"ec", "SecurityContextToken", "Generation", "Label", "Offset", "Properties",
	"Cookie", "wsc", "http://schemas.xmlsoap.org/ws/2004/04/sc",
	"http://schemas.xmlsoap.org/ws/2004/04/security/sc/dk",
	"http://schemas.xmlsoap.org/ws/2004/04/security/sc/sct",
	"http://schemas.xmlsoap.org/ws/2004/04/security/trust/RST/SCT",
	"http://schemas.xmlsoap.org/ws/2004/04/security/trust/RSTR/SCT",
	"RenewNeeded", "BadContextToken", "c",
}

// nbfsStaticSchema starts at value 0x372.
const nbfsSchemaBase = 0x372

var nbfsStaticSchema = [...]string{
	"http://www.w3.org/2001/XMLSchema-instance", "http://www.w3.org/2001/XMLSchema",
	"nil", "type", "char", "boolean", "byte", "unsignedByte", "short",
	"unsignedShort", "int", "unsignedInt", "long", "unsignedLong", "float",
	"double", "decimal", "dateTime", "string", "base64Binary", "anyType",
	"duration", "guid", "anyURI", "QName", "time", "date", "hexBinary",
	"gYearMonth", "gYear", "gMonthDay", "gDay", "gMonth", "integer",
	"positiveInteger", "negativeInteger", "nonPositiveInteger",
	"nonNegativeInteger", "normalizedString", "ConnectionLimitReached",
	"http://schemas.xmlsoap.org/soap/envelope/", "actor", "faultcode",
	"faultstring", "faultactor", "detail",
}

var nbfsStaticOther = map[uint32]string{
	0x148: "o", 0x172: "k", 0x1AA: "wst", 0x1D6: "t", 0x23C: "saml",
	0x256: "xmlns", 0x262: "u", 0x274: "e", 0x2B4: "r", 0x352: "ActivityId",
	0x354: "http://schemas.microsoft.com/2004/09/ServiceModel/Diagnostics",
}

// nbfsString resolves a DictionaryString value: even values from the static
// table, odd values from the session string table (MC-NBFSE) if there is
// one, anything else as dict:N.
func nbfsString(id uint32, session []string) string {
	if id%2 == 1 {
		if i := int(id / 2); i < len(session) {
			return session[i]
		}
		return "dict:" + strconv.FormatUint(uint64(id), 10)
	}
	if i := int(id / 2); i < len(nbfsStaticLow) && nbfsStaticLow[i] != "\x00" {
		return nbfsStaticLow[i]
	}
	if id >= nbfsSchemaBase {
		if i := int((id - nbfsSchemaBase) / 2); i < len(nbfsStaticSchema) {
			return nbfsStaticSchema[i]
		}
	}
	if s, ok := nbfsStaticOther[id]; ok {
		return s
	}
	return "dict:" + strconv.FormatUint(uint64(id), 10)
}
