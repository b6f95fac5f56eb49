// Independent check of eseal's SM2 SignedData with BouncyCastle's CMS (Debian's libbcprov-java,
// libbcpkix-java and libbcutil-java), which computes SM3withSM2 under the standard user ID.
//
//   java -cp bcprov.jar:bcpkix.jar:bcutil.jar CmsCheck.java verify CMS.der [CONTENT]
//       verifies every SignerInformation (detached over CONTENT, or the encapsulated content);
//       prints "OK ..." per signer, or "FAILED <reason>" and exits 1.
//   java -cp ... CmsCheck.java sign CONTENT OUT [detached|attached|direct]
//       makes an SM2 key and a self-signed SM3withSM2 certificate, then a SignedData over
//       CONTENT with CMSSignedDataGenerator (SM3WITHSM2): with signed attributes and the content
//       detached (the default) or encapsulated, or "direct": encapsulated and without signed
//       attributes (the signature over CONTENT itself).
//       Writes OUT (DER) and OUT.ber (BouncyCastle's default encoding, indefinite lengths).
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.spec.ECGenParameterSpec;
import java.util.Collection;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.Store;

public class CmsCheck {
  public static void main(String[] args) throws Exception {
    Security.addProvider(new BouncyCastleProvider());
    if (args.length >= 2 && args[0].equals("verify")) {
      System.exit(verify(args) ? 0 : 1);
    } else if (args.length >= 3 && args[0].equals("sign")) {
      sign(args);
    } else {
      System.err.println(
          "usage: CmsCheck verify CMS.der [CONTENT] | sign CONTENT OUT [detached|attached|direct]");
      System.exit(2);
    }
  }

  static boolean verify(String[] args) {
    try {
      byte[] der = Files.readAllBytes(Path.of(args[1]));
      CMSSignedData sd =
          args.length >= 3
              ? new CMSSignedData(new CMSProcessableByteArray(Files.readAllBytes(Path.of(args[2]))), der)
              : new CMSSignedData(der);
      System.out.println("content type " + sd.getSignedContentTypeOID());
      Store<X509CertificateHolder> certs = sd.getCertificates();
      Collection<SignerInformation> signers = sd.getSignerInfos().getSigners();
      if (signers.isEmpty()) throw new Exception("no signer");
      for (SignerInformation si : signers) {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = certs.getMatches(si.getSID());
        if (matches.isEmpty()) throw new Exception("signer certificate not found");
        X509CertificateHolder cert = matches.iterator().next();
        boolean ok =
            si.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider("BC").build(cert));
        if (!ok) throw new Exception("signature does not verify");
        System.out.println("OK signer " + cert.getSubject() + ", digest " + si.getDigestAlgOID()
            + ", signature " + si.getEncryptionAlgOID()
            + (si.getSignedAttributes() == null ? ", no signed attributes" : ", signed attributes"));
      }
      return true;
    } catch (Exception e) {
      System.out.println("FAILED " + e);
      return false;
    }
  }

  static void sign(String[] args) throws Exception {
    byte[] content = Files.readAllBytes(Path.of(args[1]));
    String mode = args.length >= 4 ? args[3] : "detached";
    boolean direct = mode.equals("direct");
    boolean encapsulate = direct || mode.equals("attached");
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC", "BC");
    kpg.initialize(new ECGenParameterSpec("sm2p256v1"));
    KeyPair kp = kpg.generateKeyPair();
    X500Name name = new X500Name("C=CN,O=BouncyCastle Interop,CN=BC CMS Signer");
    Date now = new Date();
    ContentSigner certSigner =
        new JcaContentSignerBuilder("SM3WITHSM2").setProvider("BC").build(kp.getPrivate());
    X509CertificateHolder cert =
        new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.getTime()),
            new Date(now.getTime() - 86400000L), new Date(now.getTime() + 86400000L), name,
            kp.getPublic())
            .build(certSigner);

    CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
    JcaSignerInfoGeneratorBuilder builder = new JcaSignerInfoGeneratorBuilder(
        new JcaDigestCalculatorProviderBuilder().setProvider("BC").build());
    builder.setDirectSignature(direct);
    gen.addSignerInfoGenerator(builder.build(
        new JcaContentSignerBuilder("SM3WITHSM2").setProvider("BC").build(kp.getPrivate()), cert));
    gen.addCertificate(cert);
    CMSSignedData sd = gen.generate(new CMSProcessableByteArray(content), encapsulate);
    Files.write(Path.of(args[2]), sd.getEncoded(ASN1Encoding.DER));
    Files.write(Path.of(args[2] + ".ber"), sd.getEncoded());
    System.out.println("signed " + mode);
  }
}
