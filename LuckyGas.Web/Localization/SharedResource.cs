namespace LuckyGas.Web;

/// <summary>
/// The marker type of the shared resource files <c>Resources/SharedResource.zh-TW.resx</c> and
/// <c>Resources/SharedResource.en.resx</c>, for <c>IStringLocalizer&lt;SharedResource&gt;</c>.
/// </summary>
/// <remarks>
/// It lives in the root namespace because the localizer looks the resources up by the type's
/// name under <c>Resources/</c>: <c>LuckyGas.Web.Resources.SharedResource</c>.
/// </remarks>
public sealed class SharedResource;
