using System.Text;
using System.Text.RegularExpressions;

namespace LuckyGas.Api.Features.Security;

/// <summary>
/// Finds path traversal in a request target after decoding it fully: repeated percent-encoding
/// (<c>%252e</c>), <c>%u002e</c>, overlong UTF-8 (<c>%c0%ae</c>), any letter case and backslashes.
/// </summary>
public static partial class PathTraversalDetector
{
    // Three rounds decode triple encoding; a value still changing after that is treated as an attack.
    private const int MaxDecodeRounds = 4;

    /// <summary>
    /// Returns whether <paramref name="value"/>, at any stage of decoding, contains a <c>..</c>
    /// segment between separators (<c>/</c> or <c>\</c>), or keeps changing after every round.
    /// </summary>
    public static bool IsTraversal(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var current = value;
        for (var round = 0; round < MaxDecodeRounds; round++)
        {
            if (DotDotSegment().IsMatch(current))
            {
                return true;
            }

            var decoded = DecodeOnce(current);
            if (decoded == current)
            {
                return false;
            }

            current = decoded;
        }

        return true;
    }

    /// <summary>
    /// Decodes one round of <c>%XX</c> and <c>%uXXXX</c> escapes and reads the bytes as UTF-8 that
    /// accepts overlong forms, as a lenient server would, so that <c>%c0%ae</c> becomes <c>.</c>.
    /// </summary>
    public static string DecodeOnce(string value)
    {
        var bytes = new List<byte>(value.Length);
        for (var index = 0; index < value.Length; index++)
        {
            var character = value[index];
            if (character == '%' && index + 5 < value.Length && (value[index + 1] is 'u' or 'U')
                && TryHex(value.AsSpan(index + 2, 4), out var unit))
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(((char)unit).ToString()));
                index += 5;
            }
            else if (character == '%' && index + 2 < value.Length && TryHex(value.AsSpan(index + 1, 2), out var octet))
            {
                bytes.Add((byte)octet);
                index += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(character.ToString()));
            }
        }

        return DecodeLenientUtf8(bytes);
    }

    private static string DecodeLenientUtf8(List<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Count);
        for (var index = 0; index < bytes.Count; index++)
        {
            var lead = bytes[index];
            var (length, initial) = lead switch
            {
                < 0x80 => (1, lead),
                >= 0xC0 and < 0xE0 => (2, lead & 0x1F),
                >= 0xE0 and < 0xF0 => (3, lead & 0x0F),
                >= 0xF0 and < 0xF8 => (4, lead & 0x07),
                _ => (0, 0),
            };
            if (length == 1)
            {
                builder.Append((char)lead);
                continue;
            }

            if (length == 0 || index + length > bytes.Count || !AreContinuations(bytes, index + 1, length - 1))
            {
                builder.Append('\uFFFD');
                continue;
            }

            var codePoint = initial;
            for (var offset = 1; offset < length; offset++)
            {
                codePoint = (codePoint << 6) | (bytes[index + offset] & 0x3F);
            }

            builder.Append(codePoint is <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF)
                ? char.ConvertFromUtf32(codePoint)
                : "\uFFFD");
            index += length - 1;
        }

        return builder.ToString();
    }

    private static bool AreContinuations(List<byte> bytes, int start, int count)
    {
        for (var index = start; index < start + count; index++)
        {
            if ((bytes[index] & 0xC0) != 0x80)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryHex(ReadOnlySpan<char> digits, out int value) =>
        int.TryParse(digits, System.Globalization.NumberStyles.AllowHexSpecifier, null, out value);

    [GeneratedRegex(@"(^|[/\\])\.\.([/\\]|$)")]
    private static partial Regex DotDotSegment();
}
