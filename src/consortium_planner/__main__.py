from .cli import console

if __name__ == "__main__":  # not when a second process (``services.second_process``) is started from here
    console()
