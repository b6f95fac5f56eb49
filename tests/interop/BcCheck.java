// Independent check with BouncyCastle, a GM-aware implementation we did not write: it verifies
// SM3withSM2 under the standard user ID by default.
// Usage: java -cp bcprov.jar BcCheck.java ROOT.pem CERT.pem PAYLOAD SIG CRL.pem
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

public class BcCheck {
  public static void main(String[] args) throws Exception {
    Security.addProvider(new BouncyCastleProvider());
    CertificateFactory cf = CertificateFactory.getInstance("X.509", "BC");
    X509Certificate root = (X509Certificate) cf.generateCertificate(new FileInputStream(args[0]));
    X509Certificate cert = (X509Certificate) cf.generateCertificate(new FileInputStream(args[1]));
    root.verify(root.getPublicKey(), "BC");
    System.out.println("root self-signature OK: " + root.getSigAlgName());
    cert.verify(root.getPublicKey(), "BC");
    cert.checkValidity();
    System.out.println("certificate signature OK: " + cert.getSubjectX500Principal().getName());

    Signature sig = Signature.getInstance("SM3withSM2", "BC");
    sig.initVerify(cert.getPublicKey());
    sig.update(Files.readAllBytes(Path.of(args[2])));
    if (!sig.verify(Files.readAllBytes(Path.of(args[3])))) throw new Exception("data signature FAILED");
    System.out.println("data signature OK");

    X509CRL crl = (X509CRL) cf.generateCRL(new FileInputStream(args[4]));
    crl.verify(root.getPublicKey(), "BC");
    if (!crl.isRevoked(cert)) throw new Exception("certificate not listed on the CRL");
    System.out.println("CRL signature OK, certificate listed as revoked");
  }
}
