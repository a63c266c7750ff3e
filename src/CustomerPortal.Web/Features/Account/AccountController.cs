using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using CustomerPortal.Infrastructure.Identity;
using CustomerPortal.Web.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CustomerPortal.Web.Features.Account;

[Route("account")]
public sealed class AccountController(
    SignInManager<PortalUser> signIn,
    UserManager<PortalUser> users,
    IPasswordHasher<PortalUser> hasher,
    IOptions<IdentityOptions> identity,
    ILogger<AccountController> log) : Controller
{
    /// <summary>A hash no password matches, checked when there is no password to check.</summary>
    private static string? s_nobodysHash;

    [HttpGet("sign-in")]
    [AllowAnonymous]
    public IActionResult SignIn(string? returnUrl = null) =>
        User.Identity?.IsAuthenticated == true
            ? LocalRedirect(SafeReturnUrl(returnUrl))
            : View(new SignInForm { ReturnUrl = returnUrl });

    [HttpPost("sign-in")]
    [AllowAnonymous]
    [EnableRateLimiting(PortalPolicies.SignInRateLimit)]
    public async Task<IActionResult> SignIn(SignInForm form)
    {
        if (!ModelState.IsValid) return View(form);
        var email = form.Email.Trim();
        var user = await users.FindByNameAsync(email);
        var result = user is null
            ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.PasswordSignInAsync(user, form.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            log.LogInformation("Signed in {Email}", email);
            return LocalRedirect(SafeReturnUrl(form.ReturnUrl));
        }
        // An unknown email, a wrong password and a locked account get the same answer at about the same cost, so
        // that nobody can learn which emails have an account: Identity refuses a locked account before checking its
        // password, and an unknown email has no password to check, so both check one against a hash nobody matches.
        if (user is null || result.IsLockedOut) CheckAgainstNobody(form.Password);
        if (result.IsLockedOut) log.LogWarning("Sign-in refused: account locked {Email}", email);
        var lockout = identity.Value.Lockout;
        ModelState.AddModelError("", "The email or password is not right. " +
            $"After {lockout.MaxFailedAccessAttempts} failed attempts in a row, " +
            $"sign-in is paused for {(int)lockout.DefaultLockoutTimeSpan.TotalMinutes} minutes.");
        return View(form);
    }

    private void CheckAgainstNobody(string password)
    {
        var nobody = new PortalUser();
        s_nobodysHash ??= hasher.HashPassword(nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        hasher.VerifyHashedPassword(nobody, s_nobodysHash, password);
    }

    [HttpPost("sign-out")]
    public async Task<IActionResult> SignOutNow()
    {
        await signIn.SignOutAsync();
        return RedirectToAction(nameof(SignIn));
    }

    /// <summary>An invited contact chooses a password with the one-time token the back office sent them.</summary>
    [HttpGet("set-password")]
    [AllowAnonymous]
    public IActionResult SetPassword(string? email = null, string? token = null) =>
        View(new SetPasswordForm { Email = email ?? "", Token = token ?? "" });

    [HttpPost("set-password")]
    [AllowAnonymous]
    [EnableRateLimiting(PortalPolicies.SignInRateLimit)]
    public async Task<IActionResult> SetPassword(SetPasswordForm form)
    {
        if (!ModelState.IsValid) return View(form);
        var user = await users.FindByEmailAsync(form.Email.Trim());
        // The same message whether the email is unknown or the token is wrong: nothing to learn by probing.
        var result = user is null
            ? IdentityResult.Failed(new IdentityError { Code = "InvalidToken", Description = "Invalid token." })
            : await users.ResetPasswordAsync(user, form.Token.Trim(), form.Password);
        if (result.Succeeded)
        {
            log.LogInformation("Password set for {Email}", form.Email.Trim());
            TempData["Message"] = "Your password is set. Sign in with it now.";
            return RedirectToAction(nameof(SignIn));
        }
        foreach (var error in result.Errors)
        {
            if (error.Code == "InvalidToken")
            {
                ModelState.AddModelError("",
                    "This link has expired or was already used. Ask your service provider for a new invitation.");
            }
            else ModelState.AddModelError(nameof(SetPasswordForm.Password), error.Description);
        }
        return View(form);
    }

    private string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}

public sealed class SignInForm
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(256)]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Enter your password.")]
    [DataType(DataType.Password)]
    [StringLength(200)]
    public string Password { get; set; } = "";

    public string? ReturnUrl { get; set; }
}

public sealed class SetPasswordForm
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(256)]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "The invitation link is incomplete. Open the link from your invitation email again.")]
    [StringLength(2000)]
    public string Token { get; set; } = "";

    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(200, MinimumLength = 10, ErrorMessage = "Use at least 10 characters.")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    [Required(ErrorMessage = "Type the password again.")]
    [Compare(nameof(Password), ErrorMessage = "The two passwords are not the same.")]
    [DataType(DataType.Password)]
    public string ConfirmPassword { get; set; } = "";
}
