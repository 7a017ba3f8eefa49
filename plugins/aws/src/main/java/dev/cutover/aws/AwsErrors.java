package dev.cutover.aws;

import dev.cutover.spi.StepFailedException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Map;
import java.util.Set;

/**
 * Turns SDK exceptions into one-line operator messages naming the API call (as its IAM action),
 * the resource, and what permission or value is wrong. Never includes a stack trace.
 */
final class AwsErrors {
    private static final int MAX = 600;
    private static final int AWS_TEXT_MAX = 240;
    private static final Set<String> DENIED = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
            "AuthorizationError", "UnauthorizedException");
    private static final Set<String> BAD_CREDENTIALS = Set.of("InvalidClientTokenId", "UnrecognizedClientException",
            "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException", "IncompleteSignature",
            "InvalidSignatureException", "AuthFailure");
    private static final Set<String> THROTTLED = Set.of("Throttling", "ThrottlingException", "TooManyRequestsException",
            "RequestLimitExceeded", "ThrottledException");

    private AwsErrors() {
    }

    /**
     * @param action   the IAM action, such as {@code rds:ModifyDBInstance}
     * @param resource what it was called on, such as {@code db instance 'payments-db'}
     */
    static StepFailedException failure(String action, String resource, SdkException e) {
        return failure(action, resource, e, Map.of());
    }

    static StepFailedException failure(String action, String resource, SdkException e, Map<String, Object> outputs) {
        return new StepFailedException(oneLine(message(action, resource, e)), outputs, null);
    }

    static String message(String action, String resource, SdkException e) {
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            AwsErrorDetails d = ase.awsErrorDetails();
            String code = d.errorCode() == null ? "HTTP " + ase.statusCode() : d.errorCode();
            String aws = d.errorMessage() == null ? "" : cap(oneLine(d.errorMessage()), AWS_TEXT_MAX);
            String said = aws.isBlank() ? code : code + ": " + aws;
            if (DENIED.contains(code) || (ase.statusCode() == 403 && !BAD_CREDENTIALS.contains(code))) {
                return action + " on " + resource + " was denied: the credentials in use need IAM permission "
                        + action + " on that resource (AWS said " + said + ")";
            }
            if (BAD_CREDENTIALS.contains(code)) {
                return action + " on " + resource + ": AWS rejected the credentials (" + said
                        + "); check AWS_PROFILE / the 'profile' input, or refresh the session";
            }
            if (THROTTLED.contains(code) || ase.isThrottlingException()) {
                return action + " on " + resource + " was still throttled after the SDK's retries (" + said
                        + "); wait and retry, or lower the request rate";
            }
            if (code.endsWith("NotFound") || code.endsWith("NotFoundFault") || code.endsWith("NotFoundException")
                    || code.startsWith("InvalidInstanceId")) {
                return action + ": " + resource + " was not found (" + said + "); check the name and the region";
            }
            return action + " on " + resource + " failed: " + said;
        }
        String m = cap(oneLine(dev.cutover.spi.ErrorText.of(e)), AWS_TEXT_MAX);
        if (m.contains("Unable to load credentials")) {
            return action + " on " + resource + ": no AWS credentials found; set AWS_PROFILE or the 'profile' input, "
                    + "export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with an IAM role";
        }
        return action + " on " + resource + " could not reach AWS: " + m;
    }

    /** Collapses whitespace and line breaks and caps the length, so a message stays one line. */
    static String oneLine(String s) {
        return cap(s.replaceAll("\\s+", " ").trim(), MAX);
    }

    private static String cap(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
