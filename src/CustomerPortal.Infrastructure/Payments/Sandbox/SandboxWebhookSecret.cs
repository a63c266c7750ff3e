using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CustomerPortal.Infrastructure.Payments.Sandbox;

/// <summary>
/// The sandbox's webhook signing secret when <c>Payments:Sandbox:WebhookSecret</c> is not configured: 32 random bytes
/// (base64url, <c>whsec_</c> prefix) generated on the first start into <see cref="FileName"/> beside the sandbox's
/// database, and read from there afterwards. A secret in the source would let anyone sign events (issue 14).
/// </summary>
public static class SandboxWebhookSecret
{
    public const string FileName = "sandbox-webhook-secret";

    /// <summary>
    /// The secret stored in <paramref name="folder"/>, created first if there is none. Creation is atomic (a complete
    /// temporary file moved into place without overwriting), so processes starting together on one data folder all
    /// read the one secret that won.
    /// </summary>
    public static string LoadOrCreate(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            var temp = Path.Combine(folder, $"{FileName}.{Guid.NewGuid():N}.tmp");
            try
            {
                Write(temp, "whsec_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)));
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: its secret is the installation's.
            }
            finally
            {
                File.Delete(temp);
            }
        }
        var secret = File.ReadAllText(path, Encoding.UTF8).Trim();
        if (secret.Length == 0)
            throw new InvalidOperationException($"{path} is empty. Delete it to generate a new secret.");
        return secret;
    }

    private static void Write(string path, string secret)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        file.Write(secret);
    }
}
