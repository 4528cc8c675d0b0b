#include "app/live_terminal.hpp"

#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <string>

#include "app/interrupt.hpp"

namespace ccload::app {

namespace {

constexpr auto kFrameInterval = std::chrono::milliseconds(100);  // 10 frames a second at most
constexpr std::size_t kHistoryLimit = 3600;                      // seconds kept for the charts

void write_all(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

LiveTerminal::LiveTerminal(report::LiveRun run, report::Charset charset)
    : run_(std::move(run)), charset_(charset), started_(std::chrono::steady_clock::now()) {
  if (isatty(STDIN_FILENO) == 1 && tcgetattr(STDIN_FILENO, &saved_) == 0) {
    termios keys = saved_;
    keys.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);  // ISIG stays: Ctrl-C is SIGINT
    keys.c_cc[VMIN] = 0;
    keys.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &keys) == 0) {
      keys_ = true;
      restore_terminal_on_quit(STDIN_FILENO, &saved_);
    }
  }
  write_all("\033[?1049h\033[?25l\033[H\033[2J");  // the alternate screen, no cursor
  thread_ = std::thread([this] { run_thread(); });
}

LiveTerminal::~LiveTerminal() { close(); }

void LiveTerminal::on_second(std::shared_ptr<const stats::Snapshot> snapshot) {
  std::lock_guard lock(mutex_);
  if (!snapshot->last) {
    history_.push_back({static_cast<double>(snapshot->run.second_requests),
                        snapshot->run.second_total.count > 0
                            ? std::optional<double>(snapshot->run.second_total.p99)
                            : std::nullopt});
    if (history_.size() > kHistoryLimit) history_.erase(history_.begin());
  }
  latest_ = std::move(snapshot);
  latest_at_ = std::chrono::steady_clock::now();
}

void LiveTerminal::close() {
  {
    std::lock_guard lock(mutex_);
    if (closing_) return;
    closing_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (keys_) {
    restore_terminal_on_quit(STDIN_FILENO, nullptr);
    tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  write_all("\033[?25h\033[?1049l");  // the cursor and the normal screen back
}

void LiveTerminal::run_thread() {
  std::unique_lock lock(mutex_);
  while (!closing_) {
    lock.unlock();
    read_keys();
    draw();
    lock.lock();
    wake_.wait_for(lock, kFrameInterval, [this] { return closing_; });
  }
}

void LiveTerminal::read_keys() {
  if (!keys_) return;
  pollfd in{STDIN_FILENO, POLLIN, 0};
  while (poll(&in, 1, 0) > 0 && (in.revents & POLLIN) != 0) {
    char key = 0;
    if (::read(STDIN_FILENO, &key, 1) != 1) return;
    if (key == 'q' || key == 'Q') request_stop();
  }
}

void LiveTerminal::draw() {
  winsize size{};
  int width = 80, height = 24;
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0 && size.ws_row > 0) {
    width = size.ws_col;
    height = size.ws_row;
  }
  std::shared_ptr<const stats::Snapshot> latest;
  std::vector<report::LivePoint> history;
  const auto now = std::chrono::steady_clock::now();
  double elapsed_s = 0;
  {
    std::lock_guard lock(mutex_);
    latest = latest_;
    history = history_;
    // The run's clock: its last second's end plus the time since (before it, since the view
    // opened, which includes waiting for --start-at).
    elapsed_s = latest ? latest->elapsed_s + std::chrono::duration<double>(now - latest_at_).count()
                       : std::chrono::duration<double>(now - started_).count();
  }
  const std::vector<std::string> lines =
      report::live_frame(run_, latest.get(), history, elapsed_s, width, height, charset_);
  std::string frame = "\033[H";  // home, then each line over the last frame's
  for (std::size_t i = 0; i < lines.size(); ++i) {
    frame += lines[i];
    frame += "\033[K";
    if (i + 1 < lines.size()) frame += "\r\n";
  }
  frame += "\033[J";  // and nothing below
  write_all(frame);
}

}  // namespace ccload::app
