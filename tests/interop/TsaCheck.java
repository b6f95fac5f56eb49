// Time stamps across implementations, with BouncyCastle (Debian's libbcprov-java and
// libbcpkix-java), which signs and verifies SM3withSM2 with Z over the standard user ID:
//   validate REPLY TSA.pem DATA  - BouncyCastle's TimeStampToken.validate on eseal's token
//                                  (signature, ESS certificate id, EKU, validity at genTime)
//                                  and the imprint against SM3(DATA)
//   make DATA REPLY TSA.pem      - a BouncyCastle-made SM2 token over SM3(DATA) and its TSA's
//                                  self-signed certificate (critical timeStamping EKU)
import java.io.FileInputStream;
import java.io.FileWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

public class TsaCheck {
  public static void main(String[] args) throws Exception {
    Security.addProvider(new BouncyCastleProvider());
    if (args[0].equals("validate")) {
      validate(args[1], args[2], args[3]);
    } else {
      make(args[1], args[2], args[3]);
    }
  }

  static byte[] sm3(byte[] data) throws Exception {
    return MessageDigest.getInstance("SM3", "BC").digest(data);
  }

  static void validate(String reply, String tsaPem, String data) throws Exception {
    TimeStampResponse response = new TimeStampResponse(Files.readAllBytes(Path.of(reply)));
    TimeStampToken token = response.getTimeStampToken();
    if (token == null) throw new Exception("no token: status " + response.getStatus());
    X509Certificate tsa = (X509Certificate) CertificateFactory.getInstance("X.509", "BC")
        .generateCertificate(new FileInputStream(tsaPem));
    token.validate(new JcaSimpleSignerInfoVerifierBuilder().setProvider("BC").build(tsa));
    System.out.println("token validated: genTime " + token.getTimeStampInfo().getGenTime()
        + ", policy " + token.getTimeStampInfo().getPolicy());
    byte[] imprint = token.getTimeStampInfo().getMessageImprintDigest();
    if (!Arrays.equals(imprint, sm3(Files.readAllBytes(Path.of(data)))))
      throw new Exception("imprint FAILED");
    System.out.println("imprint OK");
  }

  static void make(String data, String reply, String tsaPem) throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC", "BC");
    kpg.initialize(new ECGenParameterSpec("sm2p256v1"), new SecureRandom());
    KeyPair pair = kpg.generateKeyPair();
    X500Name name = new X500Name("C=CN,O=BouncyCastle,CN=BC TSA");
    long now = System.currentTimeMillis();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
        BigInteger.valueOf(now), new Date(now - 86400000L), new Date(now + 86400000L * 365), name,
        pair.getPublic());
    builder.addExtension(Extension.extendedKeyUsage, true,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
    X509CertificateHolder holder = builder.build(
        new JcaContentSignerBuilder("SM3withSM2").setProvider("BC").build(pair.getPrivate()));
    X509Certificate cert = new JcaX509CertificateConverter().setProvider("BC").getCertificate(holder);

    DigestCalculator sm3 = new JcaDigestCalculatorProviderBuilder().setProvider("BC").build()
        .get(new AlgorithmIdentifier(GMObjectIdentifiers.sm3));
    TimeStampTokenGenerator generator = new TimeStampTokenGenerator(
        new JcaSimpleSignerInfoGeneratorBuilder().setProvider("BC")
            .build("SM3withSM2", pair.getPrivate(), cert),
        sm3, new ASN1ObjectIdentifier("1.2.3.4.1"));
    generator.addCertificates(new JcaCertStore(List.of(cert)));
    TimeStampRequestGenerator requests = new TimeStampRequestGenerator();
    requests.setCertReq(true);
    TimeStampRequest request = requests.generate(GMObjectIdentifiers.sm3,
        sm3(Files.readAllBytes(Path.of(data))), BigInteger.valueOf(now));
    TimeStampResponse response = new TimeStampResponseGenerator(generator, TSPAlgorithms.ALLOWED)
        .generate(request, BigInteger.valueOf(now), new Date());
    Files.write(Path.of(reply), response.getEncoded());
    try (JcaPEMWriter writer = new JcaPEMWriter(new FileWriter(tsaPem))) {
      writer.writeObject(cert);
    }
    System.out.println("made a token: status " + response.getStatus());
  }
}
