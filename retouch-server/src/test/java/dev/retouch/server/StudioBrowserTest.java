package dev.retouch.server;

import dev.retouch.edit.ModelStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web studio in a real browser (Debian's chromium, headless, driven by chromedriver): pick a shipped emoji, run
 * the fewshot effect and see the result render with the judge's label; then paint the pixelguide map, see the ROI
 * preview, run the edit and see its result. Screenshots go to {@code target/studio-*.png}. scripts/test.sh installs
 * the browser when it is missing and requires this test ({@code -Dretouch.requireBrowser=true}); elsewhere it is
 * skipped when the browser is absent.
 */
class StudioBrowserTest {
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File DRIVER = new File("/usr/bin/chromedriver");
    private static RetouchServer server;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() {
        boolean present = CHROMIUM.canExecute() && DRIVER.canExecute();
        if (!present && Boolean.getBoolean("retouch.requireBrowser")) {
            throw new AssertionError("chromium or chromedriver is missing: run scripts/install-browser.sh");
        }
        Assumptions.assumeTrue(present, "chromium absent");
        server = RetouchServer.start(ModelStore.of(HOME.resolve("models")),
                RetouchServer.Options.defaults().withPort(0));
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER)
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, o);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    private static WebDriverWait waiting(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.createDirectories(Path.of("target"));
        Files.copy(shot.toPath(), Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void pick(String sample) {
        waiting(30).until(d -> !d.findElements(By.cssSelector("button[data-sample='" + sample + "']")).isEmpty());
        browser.findElement(By.cssSelector("button[data-sample='" + sample + "']")).click();
        waiting(30).until(d -> sample.equals(d.findElement(By.id("input-name")).getText())
                && Boolean.TRUE.equals(js("const i = document.getElementById('input'); return i.complete && i.naturalWidth > 0;")));
    }

    /** Clicks Run and waits for the result image to render; returns its natural width. */
    private static long runAndWaitForResult() {
        // the previous result stays shown until the new job's submission clears it: wait for a new picture, not
        // the old one (a race that once read the cleared image's width 0)
        String previous = (String) js("return document.getElementById('after').getAttribute('src') || '';");
        browser.findElement(By.id("run")).click();
        waiting(180).until(d -> Boolean.TRUE.equals(js("const a = document.getElementById('after');"
                + " const s = a.getAttribute('src');"
                + " return !!s && s !== arguments[0] && a.complete && a.naturalWidth > 0;", previous)));
        return (Long) js("return document.getElementById('after').naturalWidth;");
    }

    @Test
    void pickAnEmojiRunFewshotThenPaintAndRunPixelguide() throws Exception {
        browser.get("http://127.0.0.1:" + server.port() + "/");
        assertEquals("Retouch studio", browser.getTitle());
        waiting(30).until(d -> "server ok".equals(d.findElement(By.id("health")).getText()));

        // fewshot: a yellow person from the test split → the learned dark skin tone
        pick("fewshot/before/1f3c3-200d-27a1-fe0f.png");
        browser.findElement(By.cssSelector("#tabs button[data-method='fewshot']")).click();
        assertEquals(64, runAndWaitForResult());
        assertTrue(browser.findElement(By.id("judge")).getText().startsWith("judge: "),
                browser.findElement(By.id("judge")).getText());
        assertTrue(browser.findElement(By.id("status")).getText().startsWith("fewshot: done"),
                browser.findElement(By.id("status")).getText());
        assertTrue(browser.findElement(By.id("download")).isDisplayed());
        assertTrue(browser.findElement(By.id("params")).getText().contains("skin-tone-5"));
        screenshot("studio-fewshot.png");

        // pixelguide: the weary face's open mouth painted over with face yellow
        browser.findElement(By.cssSelector("#tabs button[data-method='pixel']")).click();
        pick("1f629.png"); // the runner's segmentation, asked for when the tab opened, must not win
        waiting(60).until(d -> "1f629.png".equals(d.findElement(By.id("map")).getAttribute("data-input"))
                && d.findElement(By.id("roi-caption")).getText().startsWith("ROI: nothing changed"));
        // the weary face's map: its open mouth (mouth class, dark red) is in the lower half
        long mouth = (Long) js("const d = document.getElementById('map').getContext('2d').getImageData(0, 0, 32, 32)"
                + ".data; let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] === 0x8B && d[i + 1] === 0"
                + " && d[i + 2] === 0) n++; return n;");
        assertTrue(mouth > 20, "mouth pixels in the weary face's map: " + mouth);
        browser.findElement(By.xpath("//div[@id='palette']/button[text()='face']")).click();
        js("document.getElementById('brush').value = 3;");
        WebElement map = browser.findElement(By.id("map"));
        int cell = map.getSize().getWidth() / 32;
        int half = map.getSize().getWidth() / 2;
        Actions paint = new Actions(browser);
        for (int y = 19; y <= 27; y += 2) {
            paint.moveToElement(map, (9 * cell) - half, y * cell - half).clickAndHold();
            for (int x = 10; x <= 22; x++) {
                paint.moveToElement(map, x * cell - half, y * cell - half);
            }
            paint.release();
        }
        paint.perform();
        String roi = browser.findElement(By.id("roi-caption")).getText();
        assertTrue(roi.matches("ROI: \\d+ of 1024 pixels \\(\\d+ painted\\)"), roi);
        long mouthLeft = (Long) js("const d = document.getElementById('map').getContext('2d').getImageData(0, 0, 32, 32)"
                + ".data; let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] === 0x8B && d[i + 1] === 0"
                + " && d[i + 2] === 0) n++; return n;");
        assertTrue(mouthLeft < mouth / 4, "mouth pixels left after painting: " + mouthLeft + " of " + mouth);
        screenshot("studio-pixel-painted.png");
        assertEquals(32, runAndWaitForResult());
        assertTrue(browser.findElement(By.id("status")).getText().startsWith("pixel: done"),
                browser.findElement(By.id("status")).getText());
        assertTrue(browser.findElement(By.id("judge")).getText().startsWith("judge: "));
        screenshot("studio-pixel.png");
    }
}
